"""The page chrome's forms are rendered without WTForms (elearn/core/chrome.py) but must stay the
markup the forms render, and still post to routes that validate them."""
import pytest
from flask import render_template_string, request
from flask_babel import get_locale

from elearn.auth.forms import ConfirmForm, LanguageForm
from elearn.core import chrome

CHROME = '{{ logout_form.csrf_token }}|{{ lang_form.csrf_token }}{{ lang_form.next }}|{{ lang_form.lang(id="lang") }}'


@pytest.mark.parametrize("path", ["/", "/courses/x?a=1&b=<2>&c=\"q\"", "/tìm?q=thư viện"])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_chrome_renders_what_the_forms_render(app, path, lang):
    with app.test_request_context(path, headers={"Accept-Language": lang}):
        ours = render_template_string(CHROME)
        assert f'<option selected value="{lang}">' in ours
        logout = ConfirmForm(formdata=None)
        language = LanguageForm(formdata=None, lang=str(get_locale()), next=request.full_path.rstrip("?"))
        theirs = f'{logout.csrf_token}|{language.csrf_token}{language.next}|{language.lang(id="lang")}'
        assert ours == theirs


def test_language_choices_match_the_form(app):
    with app.test_request_context("/"):
        assert tuple(LanguageForm(formdata=None).lang.choices) == chrome.LANGUAGES


def test_sign_out_and_language_from_the_chrome_still_work(client, auth, make_user):
    import re

    user = make_user()
    auth.login(user.email)
    html = client.get("/account").get_data(as_text=True)
    token = re.search(r'<form method="post" action="/logout" class="inline"><input name="csrf_token" type="hidden" '
                      r'value="([^"]+)">', html).group(1)
    page = client.post("/lang", data={"csrf_token": token, "lang": "en", "next": "/account"})
    assert page.status_code == 302
    assert 'lang="en"' in client.get("/account").get_data(as_text=True)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/account").status_code == 302  # signed out
