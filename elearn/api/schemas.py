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
