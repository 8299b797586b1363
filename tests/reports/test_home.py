"""The manager's home shows what needs action; managers and admins see usage figures."""
import re
from datetime import datetime, timedelta

from elearn.core.timeutil import utcnow
from elearn.extensions import db
from elearn.home import services


def test_usage_figures_count_sign_ins_in_the_subtree(tree):
    u = tree["users"]
    now = datetime(2026, 11, 30, 5, 0)  # 12:00 in Việt Nam
    u["t1"].last_seen_at = now - timedelta(minutes=2)   # now
    u["t2"].last_seen_at = now - timedelta(hours=3)     # today
    u["t5"].last_seen_at = datetime(2026, 11, 29, 16, 30)  # 23:30 on the 29th in Việt Nam: yesterday
    u["t8"].last_seen_at = datetime(2026, 11, 1, 1, 0)   # this month, in D2
    u["t9"].last_seen_at = datetime(2026, 10, 31, 18, 0)  # 01:00 on 1 Nov in Việt Nam: this month
    u["t3"].last_seen_at = datetime(2025, 1, 1)          # long ago
    u["t4"].last_seen_at = now  # inactive: never counted
    u["tq"].last_seen_at = now  # outside P
    db.session.commit()
    assert services.usage_figures(tree["units"]["D1"], now=now) == {"now": 1, "today": 2, "month": 3, "total": 4}
    assert services.usage_figures(tree["units"]["P"], now=now) == {"now": 1, "today": 2, "month": 5, "total": 6}
    assert services.usage_figures(None, now=now)["now"] == 2


def test_manager_home_shows_what_needs_action(tree, client, auth):
    from elearn.workshops.models import Registration

    ws = tree["workshop"]
    for k in ("t2", "t8"):
        db.session.add(Registration(workshop_id=ws.id, user_id=tree["users"][k].id, status="requested"))
    tree["A"].completion = {"due": "2026-01-31"}
    db.session.commit()
    auth.login("md1@example.vn")
    html = client.get("/").get_data(as_text=True)
    assert "Yêu cầu tập huấn chờ duyệt" in html and "1 yêu cầu" in html  # t8 is outside D1
    card = html.split("Khoá A</a></h3>", 1)[1].split("</section>", 1)[0]
    assert "4 học viên quá hạn" in card  # t2, t3, t6, t7
    lowest = re.findall(r'unit=(\w+)">[^<]+</a>: ([\d,]+)%', card)
    assert lowest == [("D1", "0"), ("C1", "33,3"), ("C2", "50")]
    assert "Lượt sử dụng" in html
    assert "Người dùng theo đơn vị" in html


def test_admin_home_has_usage_and_the_report_link(tree, client, auth):
    tree["users"]["t1"].last_seen_at = utcnow()
    db.session.commit()
    auth.login("admin@example.vn")
    html = client.get("/").get_data(as_text=True)
    assert "Lượt sử dụng" in html and "/reports/completion" in html
    assert re.search(r"Đang trực tuyến \(5 phút qua\): [1-9]", html)


def test_manager_home_links_the_read_only_user_list(tree, client, auth):
    auth.login("md1@example.vn")
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'<a href="/users">Danh sách tài khoản trong phạm vi</a>', html)
    listing = client.get("/users")
    assert listing.status_code == 200 and "<h1>Tài khoản</h1>" in listing.get_data(as_text=True)
