"""Vietnamese first, English second; dd/mm/yyyy in Asia/Ho_Chi_Minh; names sorted the Vietnamese way."""
from datetime import datetime

from elearn.core.text import slugify, vi_collate, vi_name_key
from elearn.core.timeutil import format_date, format_datetime


def test_vietnamese_is_the_default(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'lang="vi"' in html and "Đăng nhập" in html


def test_accept_language_english(client):
    html = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert 'lang="en"' in html and "Sign in" in html and "Đăng nhập" not in html


def test_a_users_preference_beats_the_browser(client, auth, make_user):
    user = make_user()
    auth.login(user.email)
    auth.post("/lang", page="/account", data={"lang": "en", "next": "/account"})
    html = client.get("/account", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert 'lang="en"' in html
    auth.post("/lang", page="/account", data={"lang": "vi", "next": "//evil.example"})
    assert 'lang="vi"' in client.get("/account", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_dates_are_dd_mm_yyyy_in_vietnam_time():
    # 20:30 UTC on 30 June is already 1 July in Việt Nam (UTC+7)
    assert format_datetime(datetime(2020, 6, 30, 20, 30)) == "01/07/2020 03:30"
    assert format_date(datetime(2020, 6, 30, 20, 30)) == "01/07/2020"


def test_vietnamese_alphabet_order():
    words = ["Đức", "Dũng", "Anh", "Ân", "Ăn", "Bình", "Yến", "Ước", "Uyên", "Ơn", "Ôn", "Oanh"]
    assert sorted(words, key=vi_collate) == ["Anh", "Ăn", "Ân", "Bình", "Dũng", "Đức", "Oanh", "Ôn", "Ơn",
                                             "Uyên", "Ước", "Yến"]


def test_names_sort_by_given_name_then_family_name():
    names = ["Nguyễn Văn Đức", "Trần Thị An", "Lê Văn Dũng", "Hoàng Thị Mai", "Bùi Văn An"]
    assert sorted(names, key=vi_name_key) == ["Bùi Văn An", "Trần Thị An", "Lê Văn Dũng", "Nguyễn Văn Đức",
                                              "Hoàng Thị Mai"]


def test_tones_break_ties_after_letters():
    assert sorted(["Mạ", "Má", "Mà", "Ma", "Mả", "Mã"], key=vi_collate) == ["Ma", "Mà", "Mả", "Mã", "Má", "Mạ"]


def test_slugify_vietnamese():
    assert slugify("Kỹ năng kể chuyện sách – Đọc") == "ky-nang-ke-chuyen-sach-doc"


def test_every_ui_string_has_an_english_translation():
    import os

    from babel.messages.pofile import read_po

    path = os.path.join(os.path.dirname(__file__), "..", "..", "elearn", "translations", "en", "LC_MESSAGES",
                        "messages.po")
    with open(path, "rb") as fh:
        catalog = read_po(fh)
    missing = [m.id for m in catalog if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]
    assert missing == []


def test_course_lists_follow_vietnamese_order(db, make_user, make_org):
    from elearn.courses import services

    org = make_org(code="LS")
    teacher = make_user("instructor", org)
    for title in ("Ứng dụng CNTT", "Pháp luật", "Đọc sách", "Nghiệp vụ", "Dịch vụ"):
        c = services.create_course(teacher, title, "", 1)
        c.status = "published"
        services.enrol_org(c, org)
    db.session.commit()
    trainee = make_user("trainee", org)
    titles = [c.title for c in services.my_courses(trainee)[0]]
    assert titles == ["Dịch vụ", "Đọc sách", "Nghiệp vụ", "Pháp luật", "Ứng dụng CNTT"]


def test_local_wall_clock_and_midnight_become_utc():
    from datetime import date

    from elearn.core.timeutil import local_midnight_utc, local_to_utc

    assert local_to_utc(datetime(2026, 7, 1, 8, 0)) == datetime(2026, 7, 1, 1, 0)
    assert local_to_utc(None) is None
    # midnight on 1 July in Việt Nam is 17:00 on 30 June in UTC
    assert local_midnight_utc(date(2026, 7, 1)) == datetime(2026, 6, 30, 17, 0)


def test_templates_translate_through_the_per_render_gettext(app):
    """``_()`` and ``ngettext`` in templates use the translations bound once per render
    (core/i18n.py:bound_gettext): English, plurals, and escaping of the arguments."""
    from flask import render_template_string
    from flask_babel import refresh

    source = ('{{ _("Trang chủ") }}|{{ ngettext("%(num)d câu hỏi", "%(num)d câu hỏi", 1) }}|'
              '{{ ngettext("%(num)d câu hỏi", "%(num)d câu hỏi", 3) }}|{{ _("Xin chào, %(name)s", name="<b>") }}')
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        refresh()
        context = {}
        app.update_template_context(context)
        assert context["gettext"].__qualname__.startswith("bound_gettext")
        out = render_template_string(source)
    assert out.startswith("Home|1 question|3 questions|")
    assert "&lt;b&gt;" in out and "<b>" not in out  # arguments are escaped, as with jinja2.ext
    with app.test_request_context("/", headers={"Accept-Language": "vi"}):
        refresh()
        assert render_template_string(source).startswith("Trang chủ|1 câu hỏi|3 câu hỏi|")
