"""Numbers in the UI, in the reader's locale: a decimal comma in Vietnamese ("29,7%"), a point in English.

Jinja filters (registered in create_app): ``{{ x|num }}`` (up to 1 decimal), ``{{ x|num(2) }}``,
``{{ x|pct }}`` → "29,7%". Trailing zeros are dropped ("30%", not "30,0%"). None gives "—".
"""
from babel.numbers import format_decimal
from flask_babel import get_locale


def _locale():
    try:
        return str(get_locale() or "vi")
    except Exception:  # outside a request/app context
        return "vi"


def format_number(value, digits: int = 1, locale: str | None = None) -> str:
    if value is None or value == "":
        return "—"
    pattern = "#,##0" + ("." + "#" * digits if digits > 0 else "")
    return format_decimal(value, format=pattern, locale=locale or _locale())


def format_pct(value, digits: int = 1, locale: str | None = None) -> str:
    if value is None or value == "":
        return "—"
    return format_number(value, digits, locale) + "%"
