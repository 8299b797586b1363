"""The hidden CSRF field is rendered without an ``id``.

Every FlaskForm has a ``csrf_token`` field, and WTForms gives a field the id of its name, so a page with
several forms (a roster, an edit page with rename / move / archive) had several ``id="csrf_token"``:
invalid HTML that confuses assistive technology and ``getElementById``. Nothing refers to the field
by id (no label points at a hidden field), so it simply has none.
"""
from flask_wtf import FlaskForm

_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    original = FlaskForm.Meta.bind_field

    def bind_field(self, form, unbound_field, options):
        field = original(self, form, unbound_field, options)
        if field.type == "CSRFTokenField":
            field.id = False  # WTForms leaves out an attribute whose value is False
        return field

    FlaskForm.Meta.bind_field = bind_field
    _installed = True
