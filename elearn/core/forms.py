"""The base of every form: rules that hold for all fields, in one place.

- No NUL character in any text field (PostgreSQL cannot store it; nobody types one): the field gets
  a Vietnamese error, like any other validation error.
- The hidden CSRF field has no ``id``. WTForms gives a field the id of its name, so a page with several
  forms (a roster, an edit page with rename / move / archive) had several ``id="csrf_token"``: invalid
  HTML that confuses assistive technology. Nothing refers to the field by id.
"""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import StopValidation

NUL_MESSAGE = _l("Không được chứa ký tự NUL.")


def refuse_nul(form, field):
    values = field.raw_data or []
    if any(isinstance(v, str) and "\x00" in v for v in values):
        field.errors[:] = []  # say only this: other checks on such a value are noise
        raise StopValidation(str(NUL_MESSAGE))


class Form(FlaskForm):
    """FlaskForm plus the rules above; every form in the app derives from it."""

    class Meta(FlaskForm.Meta):
        def bind_field(self, form, unbound_field, options):
            field = super().bind_field(form, unbound_field, options)
            if field.type == "CSRFTokenField":
                field.id = False  # WTForms leaves out an attribute whose value is False
            return field

    def validate(self, extra_validators=None):
        extra = {name: list(v) for name, v in (extra_validators or {}).items()}
        for name, field in self._fields.items():
            if isinstance(field, StringField):  # also TextAreaField, PasswordField, EmailField, HiddenField
                extra.setdefault(name, []).insert(0, refuse_nul)
        return super().validate(extra)
