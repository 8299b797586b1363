import marshmallow as ma


class ErrorBody(ma.Schema):
    code = ma.fields.String(required=True)
    message = ma.fields.String(required=True)


class ErrorSchema(ma.Schema):
    error = ma.fields.Nested(ErrorBody, required=True)


class OrgSchema(ma.Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    name = ma.fields.String()
    parent_id = ma.fields.Integer(allow_none=True)
    depth = ma.fields.Integer()


class MeSchema(ma.Schema):
    id = ma.fields.Integer()
    email = ma.fields.String()
    name = ma.fields.String()
    role = ma.fields.String()
    locale = ma.fields.String(allow_none=True)
    org = ma.fields.Nested(OrgSchema)


class OrgListQuery(ma.Schema):
    q = ma.fields.String(load_default="", metadata={"description": "Lọc theo tên hoặc mã"})


class MePatchSchema(ma.Schema):
    locale = ma.fields.String(required=True, validate=ma.validate.OneOf(["vi", "en"]),
                              metadata={"description": "Ngôn ngữ giao diện"})


class CourseSummarySchema(ma.Schema):
    slug = ma.fields.String()
    title = ma.fields.String()
    summary = ma.fields.String()
    hours = ma.fields.Float()
    percent = ma.fields.Integer(metadata={"description": "% hoạt động đã hoàn thành"})


class ActivitySchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String(metadata={"description": "lesson, material, quiz, …"})
    slug = ma.fields.String()
    title = ma.fields.String()
    complete = ma.fields.Boolean()


class ModuleOutlineSchema(ma.Schema):
    slug = ma.fields.String()
    title = ma.fields.String()
    summary = ma.fields.String()
    state = ma.fields.String(metadata={"description": "done, available hoặc locked"})
    locked_by = ma.fields.List(ma.fields.String(), metadata={"description": "module cần hoàn thành trước"})
    activities = ma.fields.List(ma.fields.Nested(ActivitySchema))


class CourseDetailSchema(CourseSummarySchema):
    modules = ma.fields.List(ma.fields.Nested(ModuleOutlineSchema))


class LessonSchema(ma.Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()
    course = ma.fields.String()
    module = ma.fields.String()
    minutes = ma.fields.Integer()
    body_html = ma.fields.String(metadata={"description": "HTML đã làm sạch"})
    sources = ma.fields.List(ma.fields.String())


class AttemptQuestionSchema(ma.Schema):
    id = ma.fields.Integer()
    number = ma.fields.Integer()
    page = ma.fields.Integer()
    qtype = ma.fields.String()
    text_html = ma.fields.String()
    mark = ma.fields.Float()
    public = ma.fields.Dict(metadata={"description": "Lựa chọn hiển thị (không bao giờ có đáp án)"})
    response = ma.fields.Raw(allow_none=True)


class AttemptSchema(ma.Schema):
    id = ma.fields.Integer()
    quiz_id = ma.fields.Integer()
    number = ma.fields.Integer()
    state = ma.fields.String()
    started_at = ma.fields.DateTime()
    deadline_at = ma.fields.DateTime(allow_none=True)
    seconds_left = ma.fields.Integer(allow_none=True)
    save_seq = ma.fields.Integer(metadata={"description": "Số thứ tự của lần lưu cuối được nhận; lần lưu sau phải lớn hơn"})
    questions = ma.fields.List(ma.fields.Nested(AttemptQuestionSchema))


class AnswersSchema(ma.Schema):
    answers = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(allow_none=True), required=True,
                             metadata={"description": "{question_id: câu trả lời}"})
    seq = ma.fields.Integer(required=True, strict=True, validate=ma.validate.Range(min=1, max=2**31 - 1),
                            metadata={"description": "Số thứ tự lần lưu, lớn hơn save_seq của lượt làm bài; "
                                                     "lần lưu cũ hơn (gửi lại, đến muộn) bị từ chối với 409"})


class SavedSchema(ma.Schema):
    saved = ma.fields.Integer()
    seq = ma.fields.Integer()


class ReviewSchema(ma.Schema):
    id = ma.fields.Integer()
    state = ma.fields.String()
    allowed = ma.fields.List(ma.fields.String())
    marks = ma.fields.Float(allow_none=True)
    max_marks = ma.fields.Float(allow_none=True)
    percent = ma.fields.Float(allow_none=True)
    questions = ma.fields.List(ma.fields.Dict())


class IdempotencyHeader(ma.Schema):
    idempotency_key = ma.fields.String(data_key="Idempotency-Key", load_default=None,
                                       validate=ma.validate.Length(min=8, max=80),
                                       metadata={"description": "Gửi lại cùng khoá thì không làm lại lần hai"})

    class Meta:
        unknown = ma.EXCLUDE


class CourseProgressSchema(ma.Schema):
    course = ma.fields.String(metadata={"description": "slug"})
    title = ma.fields.String()
    state = ma.fields.String(metadata={"description": "new, started, complete, missed"})
    percent = ma.fields.Integer()
    grade = ma.fields.Float(allow_none=True)
    completed_at = ma.fields.DateTime(allow_none=True)
    certificate = ma.fields.String(allow_none=True, metadata={"description": "mã xác thực"})


class UserProgressSchema(ma.Schema):
    user_id = ma.fields.Integer()
    name = ma.fields.String()
    org = ma.fields.String()
    courses = ma.fields.List(ma.fields.Nested(CourseProgressSchema))


class SessionSchema(ma.Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()
    starts_at = ma.fields.DateTime(metadata={"description": "UTC"})
    ends_at = ma.fields.DateTime()
    venue = ma.fields.String()
    trainer = ma.fields.String()
    status = ma.fields.String()


class WorkshopSchema(ma.Schema):
    id = ma.fields.Integer()
    course = ma.fields.String()
    title = ma.fields.String()
    status = ma.fields.String()
    capacity = ma.fields.Integer()
    booked = ma.fields.Integer()
    my_status = ma.fields.String(allow_none=True)
    sessions = ma.fields.List(ma.fields.Nested(SessionSchema))


class RegistrationSchema(ma.Schema):
    workshop_id = ma.fields.Integer()
    status = ma.fields.String()


class CheckinSchema(ma.Schema):
    code = ma.fields.String(required=True, validate=ma.validate.Length(min=4, max=12))


class AttendanceRowSchema(ma.Schema):
    user_id = ma.fields.Integer()
    name = ma.fields.String()
    org = ma.fields.String()
    sessions = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(allow_none=True))
