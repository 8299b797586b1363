"""Request parsing that never hands the database a value it cannot store.

- ``<int:…>`` in every URL rule is :class:`DbIntConverter`: an id above the Integer columns' range
  (2**31 - 1) does not match the rule, so the answer is 404, not an overflow in the driver.
- ``request.args.get("page", type=db_int)``: the same bound for numbers in query strings and
  forms; a value out of range is treated like one that is not a number (the default is used).
- :func:`reject_nul`: PostgreSQL refuses NUL in text. A NUL in the path or in a query string is
  answered 400 at once; form fields refuse it in ``elearn.core.forms.Form`` and API bodies in
  ``elearn.api.schemas.Schema``, each with a Vietnamese message on the field.
"""
from flask import request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

DB_INT_MAX = 2**31 - 1  # the Integer columns (PostgreSQL integer); SQLite would take 2**63 - 1
DB_INT_MIN = -(2**31)


class DbIntConverter(IntegerConverter):
    """``<int:id>`` bounded to what an Integer column holds (and never negative, like werkzeug's)."""

    def __init__(self, map, fixed_digits=0, min=None, max=DB_INT_MAX, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=min_of(max, DB_INT_MAX), signed=signed)


def min_of(a, b):
    return b if a is None else min(a, b)


def db_int(value) -> int:
    """``type=`` for ``request.args.get``/``request.form.get``: an int the database can store.

    Raises ValueError (which MultiDict.get turns into the default) for anything else.
    """
    number = int(str(value).strip())
    if not DB_INT_MIN <= number <= DB_INT_MAX:
        raise ValueError("out of range")
    return number


def has_nul(value) -> bool:
    return isinstance(value, str) and "\x00" in value


def reject_nul():
    """before_request: a NUL byte in the path or the query string is a bad request (400)."""
    if "\x00" in request.path or any(has_nul(k) or has_nul(v) for k, v in request.args.items(multi=True)):
        from .errors import ServiceError

        raise ServiceError(_("Địa chỉ hoặc tham số chứa ký tự không hợp lệ (NUL)."), status=400, code="bad_request")


def register(app):
    """Called before the blueprints are registered, so every ``<int:…>`` rule gets the bound."""
    app.url_map.converters["int"] = DbIntConverter
    app.before_request(reject_nul)
