"""Issue 13, "small things users saw": decimal comma, a monospace stack that draws Vietnamese, no
calendar emoji, cancel-dialog buttons that say what they do, and no duplicate ids on any page."""
import re
from collections import deque
from html.parser import HTMLParser

import pytest

from tests.conftest import AuthActions


def test_number_filters_use_the_locale(app):
    from elearn.core.numbers import format_number, format_pct

    assert format_pct(29.7, locale="vi") == "29,7%"
    assert format_pct(29.7, locale="en") == "29.7%"
    assert format_pct(30.0, locale="vi") == "30%"
    assert format_number(1234.5, locale="vi") == "1.234,5"
    assert format_number(0.8, 2, locale="vi") == "0,8"
    assert format_pct(None) == "—"


def test_course_hours_show_a_decimal_comma_in_vietnamese(client, auth, make_user, make_org, db):
    from elearn.courses import services as courses

    org = make_org(code="LS")
    instructor = make_user("instructor", org)
    trainee = make_user("trainee", org)
    course = courses.create_course(instructor, "Kỹ năng số", "", 1.5)
    course.status = "published"
    courses.enrol_org(course, org)
    db.session.commit()
    auth.login(trainee.email)
    vi = client.get(f"/courses/{course.slug}", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert "1,5 giờ học" in vi and "1.5 giờ" not in vi


def test_pre_code_and_textarea_use_a_monospace_stack_that_draws_vietnamese(client):
    css = client.get("/static/app.css").get_data(as_text=True)
    rules = re.findall(r"([^{}]+)\{([^}]*font-family[^}]*)\}", css)
    stack = '"Liberation Mono","Noto Sans Mono",Consolas,monospace'
    for element in ("pre", "code", "textarea"):
        last = [body for sel, body in rules if element in [s.strip() for s in sel.split(",")]]
        assert last and stack in last[-1], (element, last)
    assert "DejaVu Sans Mono" not in css and "ui-monospace" not in css


def test_no_calendar_emoji_in_templates():
    """📅 renders as an empty box without an emoji font; the link uses a small inline SVG instead."""
    import pathlib

    emoji = re.compile("[\U0001F4C5\U0001F4C6\U0001F5D3]")
    root = pathlib.Path(__file__).resolve().parent.parent / "templates"
    found = [(str(p), m.group()) for p in root.rglob("*.html") for m in emoji.finditer(p.read_text("utf-8"))]
    assert found == []


def test_cancel_dialog_buttons_say_what_they_do(client, auth, ws_env):
    ws, trainee = ws_env
    auth.login(trainee.email)
    auth.post(f"/workshops/{ws.id}/signup", page=f"/workshops/{ws.id}")
    html = client.get(f"/workshops/{ws.id}/cancel").get_data(as_text=True)
    main = html.split("<main", 1)[1]
    assert re.search(r"<button[^>]*>Huỷ đăng ký</button>", main)
    assert re.search(r'<a class="button" href="/workshops/\d+">Giữ chỗ</a>', main)
    assert ">Huỷ</a>" not in main


def test_the_calendar_link_has_an_svg_icon_not_an_emoji(client, auth, ws_env):
    ws, trainee = ws_env
    auth.login(trainee.email)
    html = client.get(f"/workshops/{ws.id}").get_data(as_text=True)
    link = re.search(r'<a href="/workshops/\d+\.ics">(.*?)</a>', html, re.S).group(1)
    assert "<svg" in link and 'aria-hidden="true"' in link and "Thêm vào lịch (.ics)" in link
    assert "\U0001F4C5" not in html


@pytest.fixture
def ws_env(db, make_org, make_user):
    from datetime import timedelta

    from elearn.core.timeutil import utcnow
    from elearn.courses import services as courses
    from elearn.workshops import services
    from elearn.workshops.models import Workshop

    org = make_org(code="LS")
    instructor = make_user("instructor", org)
    course = courses.create_course(instructor, "Pháp luật", "", 8)
    course.status = "published"
    courses.enrol_org(course, org)
    ws = Workshop(course_id=course.id, title="Tập huấn", capacity=5, status="published")
    db.session.add(ws)
    db.session.flush()
    start = utcnow() + timedelta(days=8)
    services.new_session(ws, title="Ngày 1", starts_at=start, ends_at=start + timedelta(hours=3), venue="Hội trường",
                         trainer="GV")
    db.session.commit()
    return ws, make_user("trainee", org)


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = []

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k == "id":
                self.ids.append(v)


LINK_RE = re.compile(r'href="(/[^"#]*)"')
SKIP = ("/logout", "/static/", "/api/", ".pdf", ".ics", "/files/", "/calendar/", ".csv", ".xlsx")


@pytest.mark.parametrize("role", ["admin", "instructor", "manager", "trainee"])
def test_no_crawled_page_has_a_duplicate_id(runner, make_app, role):
    out = runner.invoke(args=["demo", "load"]).output
    accounts = {ln.split()[0]: (ln.split()[1], ln.split()[2]) for ln in out.splitlines() if "@demo.thuvien.vn" in ln}
    email, password = accounts[role]
    client = make_app().test_client()
    auth = AuthActions(client)
    auth.login(email, password)
    if role == "trainee":
        workshops = re.findall(r'href="(/workshops/\d+)"', client.get("/workshops/").get_data(as_text=True))
        auth.post(workshops[0] + "/signup", page=workshops[0])
    seen, queue, dupes = set(), deque(["/"]), {}
    while queue and len(seen) < 120:
        path = queue.popleft()
        if path in seen or any(s in path for s in SKIP):
            continue
        seen.add(path)
        resp = client.get(path)
        if resp.status_code != 200 or resp.mimetype != "text/html":
            continue
        html = resp.get_data(as_text=True)
        parser = _Ids()
        parser.feed(html)
        repeated = sorted({i for i in parser.ids if parser.ids.count(i) > 1})
        if repeated:
            dupes[path] = repeated
        for link in LINK_RE.findall(html):
            link = link.replace("&amp;", "&")
            if link not in seen:
                queue.append(link)
    assert len(seen) > 10, seen
    assert dupes == {}
