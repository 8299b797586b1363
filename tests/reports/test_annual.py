"""The annual review: this year against last, per child unit, printable."""
from datetime import datetime

from sqlalchemy import select

from elearn.extensions import db
from elearn.progress.models import Certificate, CourseProgress
from elearn.reports import yearly


def _setup(tree):
    u = tree["users"]
    for user in u.values():
        user.created_at = datetime(2026, 1, 5)
    u["t9"].created_at = datetime(2025, 3, 1)
    db.session.add(CourseProgress(user_id=u["t9"].id, course_id=tree["B"].id, state="complete", percent=100,
                                  completed_at=datetime(2025, 6, 1), done=1, required=1))
    cert = db.session.scalar(select(Certificate).where(Certificate.code == "CERT-T1"))
    cert.issued_at = datetime(2026, 10, 16)
    db.session.commit()


def test_annual_review_counts(tree):
    _setup(tree)
    rows, total = yearly.annual_review(tree["units"]["P"], 2026)
    by = {r.unit_code: r for r in rows}
    d1, d2 = by["D1"], by["D2"]
    assert (d1.this.trainees, d1.this.completions, d1.this.certificates, d1.this.sessions_held) == (6, 2, 1, 1)
    assert d1.this.attendance_rate == 66.7
    assert (d1.last.trainees, d1.last.completions) == (0, 0)
    assert (d2.this.trainees, d2.this.completions, d2.last.trainees, d2.last.completions) == (2, 2, 1, 1)
    assert d2.this.attendance_rate is None
    assert (total.this.trainees, total.this.completions, total.this.certificates, total.this.sessions_held) == (8, 4, 1, 1)
    assert (total.last.trainees, total.last.completions) == (1, 1)


def test_annual_page_is_printable_and_scoped(tree, client, auth):
    _setup(tree)
    auth.login("md1@example.vn")
    html = client.get("/reports/annual?year=2026").get_data(as_text=True)
    assert "Tổng kết năm 2026: Thư viện huyện Đoan Hùng" in html
    assert "/reports/static/reports.css" in html
    assert client.get("/reports/annual?unit=D2&year=2026").status_code == 404
    assert client.get("/reports/annual?unit=P").status_code == 404
    assert client.get("/reports/annual?year=abc").status_code == 400
    css = client.get("/reports/static/reports.css").get_data(as_text=True)
    assert "@media print" in css and "size:A4" in css


def test_annual_page_for_trainees_is_403(tree, client, auth):
    auth.login("t1@example.vn")
    assert client.get("/reports/annual").status_code == 403
