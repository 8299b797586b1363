"""Scope on every path: a manager reaches only their subtree, by page, query, form, export or API;
trainees get 403; instructors see their own courses; admins see everything."""
import re

import pytest

PAGES = [
    "/reports/completion?course={course}&unit={unit}",
    "/reports/completion?course={course}&unit={unit}&level=trainee",
    "/reports/completion?course={course}&unit={unit}&level=trainee&state=completed&sort=grade&dir=desc&page=1",
    "/reports/completion.csv?course={course}&unit={unit}&level=unit",
    "/reports/completion.csv?course={course}&unit={unit}&level=trainee",
    "/reports/completion.xlsx?course={course}&unit={unit}&level=unit",
    "/reports/completion.xlsx?course={course}&unit={unit}&level=trainee",
    "/api/v1/reports/completion?course={course}&unit={unit}",
    "/api/v1/reports/completion/trainees?course={course}&unit={unit}",
]
DETAIL = "/reports/completion/trainees/{uid}?course={course}"


def _get(client, path, **kw):
    """GET and read the whole body, as a browser would: a streamed export left half-read would
    keep its database cursor open."""
    r = client.get(path, **kw)
    r.get_data()
    r.close()
    return r


def _login(auth, email):
    r = auth.login(email)
    assert r.status_code == 302


@pytest.mark.parametrize("path", PAGES)
def test_district_manager_only_reaches_own_subtree(tree, client, auth, path):
    _login(auth, "md1@example.vn")
    for unit, status in [("C1", 200), ("D1", 200), ("P", 404), ("D2", 404), ("C3", 404), ("Q", 404)]:
        r = _get(client, path.format(course="khoa-a", unit=unit))
        assert r.status_code == status, unit
        if status != 200:
            assert "Thư viện xã Ba Trại" not in r.get_data(as_text=True)


@pytest.mark.parametrize("who,cases", [
    ("md1@example.vn", [("t1", 200), ("t8", 404), ("tq", 404)]), ("mc1@example.vn", [("t1", 200), ("t5", 404)]),
    ("mp@example.vn", [("t8", 200), ("tq", 404)]), ("admin@example.vn", [("tq", 200)]),
    ("gv@example.vn", [("t8", 200)]), ("gv2@example.vn", [("t8", 404)]),
])
def test_trainee_detail_scope(tree, client, auth, who, cases):
    _login(auth, who)
    for uid, status in cases:
        r = _get(client, DETAIL.format(uid=tree["users"][uid].id, course="khoa-a"))
        assert r.status_code == status, uid


def test_trainee_detail_refuses_non_trainees(tree, client, auth):
    _login(auth, "mp@example.vn")
    r = _get(client, DETAIL.format(uid=tree["users"]["mD1"].id, course="khoa-a"))
    assert r.status_code == 404


def test_trainees_get_403(tree, client, auth):
    _login(auth, "t1@example.vn")
    for path in PAGES + [DETAIL, "/reports/"]:
        r = _get(client, path.format(course="khoa-a", unit="C1", uid=tree["users"]["t1"].id))
        assert r.status_code == 403, path


@pytest.mark.parametrize("path", [p for p in PAGES if p.startswith("/api/")])
def test_trainee_token_gets_403_on_the_api_too(tree, client, runner, path):
    out = runner.invoke(args=["tokens", "create", "t1@example.vn"]).output
    tok = re.search(r"\S{30,}", out).group(0)
    r = _get(client, path.format(course="khoa-a", unit="C1"), headers={"Authorization": f"Bearer {tok}"})
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("who,cases", [
    ("gv@example.vn", [("khoa-a", 200), ("khoa-b", 404)]), ("gv2@example.vn", [("khoa-a", 404)]),
    ("admin@example.vn", [("khoa-b", 200)]),
])
def test_instructors_see_their_own_courses_admins_all(tree, client, auth, who, cases):
    _login(auth, who)
    for path in PAGES:
        for course, status in cases:
            r = _get(client, path.format(course=course, unit="P"))
            assert r.status_code == status, (path, course)


def test_admin_reaches_any_unit(tree, client, auth):
    _login(auth, "admin@example.vn")
    for path in PAGES:
        assert _get(client, path.format(course="khoa-a", unit="Q")).status_code == 200, path


def test_anonymous_is_sent_to_login(tree, client):
    r = _get(client, "/reports/completion?course=khoa-a")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    assert client.get("/reports/completion.csv?course=khoa-a").status_code == 302
    assert client.get("/api/v1/reports/completion?course=khoa-a").status_code == 401


def test_manager_default_unit_is_their_own(tree, client, auth):
    _login(auth, "mc1@example.vn")
    html = client.get("/reports/completion?course=khoa-a").get_data(as_text=True)
    assert "Nguyễn Văn An" in html and "Hoàng Văn Cường" not in html  # C1's trainees only, not C2's


def test_manager_trainee_list_never_leaks_other_units(tree, client, auth):
    _login(auth, "md1@example.vn")
    html = client.get("/reports/completion?course=khoa-a&level=trainee").get_data(as_text=True)
    assert "Bùi Thị Em" not in html and "Mai Thị Hà" not in html
    csv = _get(client, "/reports/completion.csv?course=khoa-a&level=trainee").get_data(as_text=True)
    assert "Bùi Thị Em" not in csv and "Mai Thị Hà" not in csv and "Nguyễn Văn An" in csv
