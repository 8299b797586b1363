"""Request and response schemas of the API (the OpenAPI document is generated from them).

Every schema derives from :class:`Schema`, which refuses a NUL character anywhere in a request
body (PostgreSQL cannot store it) with a Vietnamese message on the field. Times go out as RFC 3339
with an offset (``2026-11-30T02:30:00Z``): the database keeps naive UTC.
"""
from datetime import timezone

import marshmallow as ma
from flask_babel import gettext as _


def _nul_errors(data):
    """{field: [message]} for every string (or key) holding a NUL, recursively; {} if none."""
    errors = {}
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        if isinstance(key, str) and "\x00" in key or isinstance(value, str) and "\x00" in value:
            errors[key] = [_("Không được chứa ký tự NUL.")]
        elif isinstance(value, (dict, list)):
            inner = _nul_errors(value)
            if inner:
                errors[key] = inner
    return errors


class Schema(ma.Schema):
    @ma.pre_load
    def _refuse_nul(self, data, **kwargs):
        errors = _nul_errors(data)
        if errors:
            raise ma.ValidationError(errors)
        return data


class UtcDateTime(ma.fields.DateTime):
    """A stored naive-UTC datetime, sent as RFC 3339 with the ``Z`` offset."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


class ErrorBody(Schema):
    code = ma.fields.String(required=True)
    message = ma.fields.String(required=True)
    fields_ = ma.fields.Dict(data_key="fields", metadata={"description": "Lỗi theo từng trường, theo nơi gửi (json, query, …)"})
    incident = ma.fields.String(metadata={"description": "Mã sự cố (lỗi máy chủ): gửi cho quản trị viên"})


class ErrorSchema(Schema):
    error = ma.fields.Nested(ErrorBody, required=True)


class OrgSchema(Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    name = ma.fields.String()
    parent_id = ma.fields.Integer(allow_none=True)
    depth = ma.fields.Integer()


class MeSchema(Schema):
    id = ma.fields.Integer()
    email = ma.fields.String()
    name = ma.fields.String()
    role = ma.fields.String()
    locale = ma.fields.String(allow_none=True)
    org = ma.fields.Nested(OrgSchema)


class OrgListQuery(Schema):
    q = ma.fields.String(load_default="", metadata={"description": "Lọc theo tên hoặc mã"})


class MePatchSchema(Schema):
    locale = ma.fields.String(required=True, validate=ma.validate.OneOf(["vi", "en"]),
                              metadata={"description": "Ngôn ngữ giao diện"})


class CourseSummarySchema(Schema):
    slug = ma.fields.String()
    title = ma.fields.String()
    summary = ma.fields.String()
    hours = ma.fields.Float()
    percent = ma.fields.Integer(metadata={"description": "% hoạt động đã hoàn thành"})


class ActivitySchema(Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String(metadata={"description": "lesson, material, quiz, …"})
    slug = ma.fields.String()
    title = ma.fields.String()
    complete = ma.fields.Boolean()


class ModuleOutlineSchema(Schema):
    slug = ma.fields.String()
    title = ma.fields.String()
    summary = ma.fields.String()
    state = ma.fields.String(metadata={"description": "done, available hoặc locked"})
    locked_by = ma.fields.List(ma.fields.String(), metadata={"description": "module cần hoàn thành trước"})
    activities = ma.fields.List(ma.fields.Nested(ActivitySchema))


class CourseDetailSchema(CourseSummarySchema):
    modules = ma.fields.List(ma.fields.Nested(ModuleOutlineSchema))


class LessonSchema(Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()
    course = ma.fields.String()
    module = ma.fields.String()
    minutes = ma.fields.Integer()
    body_html = ma.fields.String(metadata={"description": "HTML đã làm sạch"})
    sources = ma.fields.List(ma.fields.String())


class AttemptQuestionSchema(Schema):
    id = ma.fields.Integer()
    number = ma.fields.Integer()
    page = ma.fields.Integer()
    qtype = ma.fields.String()
    text_html = ma.fields.String()
    mark = ma.fields.Float()
    public = ma.fields.Dict(metadata={"description": "Lựa chọn hiển thị (không bao giờ có đáp án)"})
    response = ma.fields.Raw(allow_none=True)


class AttemptSchema(Schema):
    id = ma.fields.Integer()
    quiz_id = ma.fields.Integer()
    number = ma.fields.Integer()
    state = ma.fields.String()
    started_at = UtcDateTime()
    deadline_at = UtcDateTime(allow_none=True)
    seconds_left = ma.fields.Integer(allow_none=True)
    save_seq = ma.fields.Integer(metadata={"description": "Số thứ tự của lần lưu cuối được nhận; lần lưu sau phải lớn hơn"})
    questions = ma.fields.List(ma.fields.Nested(AttemptQuestionSchema))


class AnswersSchema(Schema):
    answers = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(allow_none=True), required=True,
                             metadata={"description": "{question_id: câu trả lời}"})
    seq = ma.fields.Integer(required=True, strict=True, validate=ma.validate.Range(min=1, max=2**31 - 1),
                            metadata={"description": "Số thứ tự lần lưu, lớn hơn save_seq của lượt làm bài; "
                                                     "lần lưu cũ hơn (gửi lại, đến muộn) bị từ chối với 409"})


class SavedSchema(Schema):
    saved = ma.fields.Integer()
    seq = ma.fields.Integer()


class ReviewSchema(Schema):
    id = ma.fields.Integer()
    state = ma.fields.String()
    allowed = ma.fields.List(ma.fields.String())
    marks = ma.fields.Float(allow_none=True)
    max_marks = ma.fields.Float(allow_none=True)
    percent = ma.fields.Float(allow_none=True)
    questions = ma.fields.List(ma.fields.Dict())


class IdempotencyHeader(Schema):
    idempotency_key = ma.fields.String(data_key="Idempotency-Key",
                                       validate=[ma.validate.Length(min=8, max=80),
                                                 ma.validate.Regexp(r"^[!-~]+$")],  # visible ASCII
                                       metadata={"description": "Gửi lại cùng khoá thì không làm lại lần hai"})

    class Meta:
        unknown = ma.EXCLUDE


class CourseProgressSchema(Schema):
    course = ma.fields.String(metadata={"description": "slug"})
    title = ma.fields.String()
    state = ma.fields.String(metadata={"description": "new, started, complete, missed"})
    percent = ma.fields.Integer()
    grade = ma.fields.Float(allow_none=True)
    completed_at = UtcDateTime(allow_none=True)
    certificate = ma.fields.String(allow_none=True, metadata={"description": "mã xác thực"})


class UserProgressSchema(Schema):
    user_id = ma.fields.Integer()
    name = ma.fields.String()
    org = ma.fields.String()
    courses = ma.fields.List(ma.fields.Nested(CourseProgressSchema))


class SessionSchema(Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()
    starts_at = UtcDateTime(metadata={"description": "UTC"})
    ends_at = UtcDateTime()
    venue = ma.fields.String()
    trainer = ma.fields.String()
    status = ma.fields.String()


class WorkshopSchema(Schema):
    id = ma.fields.Integer()
    course = ma.fields.String()
    title = ma.fields.String()
    status = ma.fields.String()
    capacity = ma.fields.Integer()
    booked = ma.fields.Integer()
    my_status = ma.fields.String(allow_none=True)
    sessions = ma.fields.List(ma.fields.Nested(SessionSchema))


class RegistrationSchema(Schema):
    workshop_id = ma.fields.Integer()
    status = ma.fields.String()


class CheckinSchema(Schema):
    code = ma.fields.String(required=True, validate=ma.validate.Length(min=4, max=12))


class AttendanceRowSchema(Schema):
    user_id = ma.fields.Integer()
    name = ma.fields.String()
    org = ma.fields.String()
    sessions = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(allow_none=True))
