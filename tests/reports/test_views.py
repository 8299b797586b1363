"""The report pages: drill-down, filters, sorting, paging and the trainee detail."""
import re

import pytest



def _rows(html):
    """The unit or trainee names of the table body, in order."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.sub(r"<[^>]+>", "", m).strip() for m in re.findall(r'<th scope="row">(.*?)</th>', body)]


def test_manager_lands_on_own_unit_and_drills_down_to_a_trainee(tree, client, auth):
    auth.login("md1@example.vn")
    r = client.get("/reports/completion?course=khoa-a")
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert _rows(html) == ["Trực tiếp tại Thư viện huyện Đoan Hùng", "Thư viện xã Bằng Luân", "Thư viện xã Chí Đám"]
    assert "Tổng cộng" in html and ">6<" in html  # total enrolled
    assert 'href="/reports/completion?course=khoa-a&amp;unit=C1"' in html
    # a commune has no children: its page is the trainee list, in Vietnamese name order
    html = client.get("/reports/completion?course=khoa-a&unit=C1").get_data(as_text=True)
    assert _rows(html) == ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Đức"]
    t1 = tree["users"]["t1"].id
    assert f"/reports/completion/trainees/{t1}?course=khoa-a" in html
    html = client.get(f"/reports/completion/trainees/{t1}?course=khoa-a").get_data(as_text=True)
    assert "Nguyễn Văn An" in html and "CERT-T1" in html and "có mặt" in html


def test_admin_defaults_to_the_root(tree, client, auth):
    auth.login("admin@example.vn")
    html = client.get("/reports/completion?course=khoa-a").get_data(as_text=True)
    assert _rows(html) == ["Thư viện huyện Ba Vì", "Thư viện huyện Đoan Hùng"]


def test_filters_and_sorting(tree, client, auth):
    auth.login("mp@example.vn")
    html = client.get("/reports/completion?course=khoa-a&sort=completion_rate&dir=desc").get_data(as_text=True)
    assert _rows(html) == ["Thư viện huyện Ba Vì", "Thư viện huyện Đoan Hùng"]
    html = client.get("/reports/completion?course=khoa-a&state=in_progress").get_data(as_text=True)
    assert _rows(html) == ["Thư viện huyện Đoan Hùng"]
    html = client.get("/reports/completion?course=khoa-a&overdue=1").get_data(as_text=True)
    assert _rows(html) == []  # no due date, nobody overdue
    html = client.get("/reports/completion?course=khoa-a&level=trainee&state=not_started").get_data(as_text=True)
    assert _rows(html) == ["Đỗ Thị Ánh", "Lê Văn Đức", "Đinh Văn Giang"]
    html = client.get("/reports/completion?course=khoa-a&level=trainee&sort=grade&dir=desc").get_data(as_text=True)
    assert _rows(html)[:3] == ["Bùi Thị Em", "Nguyễn Văn An", "Hoàng Văn Cường"]


def test_trainee_pages_follow_the_name_order(tree, make_app):
    from tests.conftest import AuthActions

    client = make_app(PAGE_SIZE=3).test_client()
    AuthActions(client).login("mp@example.vn")
    names = []
    for p in (1, 2, 3):
        html = client.get(f"/reports/completion?course=khoa-a&level=trainee&page={p}").get_data(as_text=True)
        assert f"Trang {p} / 3" in html
        names += _rows(html)
    assert names == ["Nguyễn Văn An", "Đỗ Thị Ánh", "Vũ Văn Ân", "Trần Thị Bình", "Hoàng Văn Cường",
                     "Lê Văn Đức", "Bùi Thị Em", "Đinh Văn Giang"]


@pytest.mark.parametrize("query,status", [
    ("state=bogus", 400), ("sort=password_hash", 400), ("dir=sideways", 400), ("page=abc", 400),
    ("level=everything", 400), ("course=no-such-course", 404), ("unit=NOPE", 404),
])
def test_bad_input_is_a_clear_4xx(tree, client, auth, query, status):
    auth.login("mp@example.vn")
    base = "" if query.startswith("course=") else "course=khoa-a&"
    r = client.get(f"/reports/completion?{base}{query}")
    assert r.status_code == status
    assert "Traceback" not in r.get_data(as_text=True)


def test_report_page_query_count_does_not_grow_with_trainees(tree, client, auth, count_queries, make_user):
    auth.login("mp@example.vn")
    with count_queries() as n:
        client.get("/reports/completion?course=khoa-a")
    before = n()
    for i in range(15):
        make_user("trainee", org=tree["units"]["C2"], name=f"Thêm Người {i}")
    with count_queries() as n:
        client.get("/reports/completion?course=khoa-a")
    assert n() == before
