"""The page chrome's two forms (sign-out in the header, language in the footer) rendered without
building WTForms forms on every page (docs/PERFORMANCE.md). The markup is what
``auth.forms.ConfirmForm`` and ``auth.forms.LanguageForm`` render (tests/core/test_chrome.py
compares them); the forms themselves still validate the POSTs."""
from flask import request
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

LANGUAGES = (("vi", "Tiếng Việt"), ("en", "English"))  # the choices of auth.forms.LanguageForm.lang


def csrf_input() -> Markup:
    """The hidden CSRF field, as ``Form`` renders it (no id: see core.forms)."""
    return Markup('<input name="csrf_token" type="hidden" value="%s">') % generate_csrf()


class _Field:
    def __init__(self, render):
        self._render = render

    def __html__(self):
        return self._render()

    def __call__(self, **attrs):
        return self._render(**attrs)


class LogoutChrome:
    """``logout_form.csrf_token`` in base.html."""

    csrf_token = _Field(csrf_input)


class LanguageChrome:
    """``lang_form.csrf_token``, ``lang_form.next`` and ``lang_form.lang(id=…)`` in base.html."""

    csrf_token = _Field(csrf_input)

    def __init__(self):
        self.next = _Field(self._next)
        self.lang = _Field(self._select)

    @staticmethod
    def _next():
        return Markup('<input id="next" name="next" type="hidden" value="%s">') % request.full_path.rstrip("?")

    @staticmethod
    def _select(id="lang"):
        current = str(get_locale())
        options = Markup("").join(
            Markup('<option selected value="%s">%s</option>' if code == current else '<option value="%s">%s</option>')
            % (code, label) for code, label in LANGUAGES)
        return Markup('<select id="%s" name="lang">%s</select>') % (escape(id), options)


LOGOUT = LogoutChrome()
LANGUAGE = LanguageChrome()
