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
