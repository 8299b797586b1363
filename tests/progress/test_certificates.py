import io

import pytest
from sqlalchemy import select

from elearn.auth import services as accounts
from elearn.progress import services
from elearn.progress.models import Certificate
from tests.conftest import AuthActions
from tests.progress.test_progress import _pass_quiz


@pytest.fixture
def completed(db, progress_setup):
    s = progress_setup
    for slug in ("a", "b"):
        services.record_event(s["trainee"], s["acts"][slug], "viewed")
    _pass_quiz(db, s["trainee"], s["acts"])
    services.record_event(s["trainee"], s["acts"]["c"], "marked_done")
    db.session.commit()
    return {**s, "cert": db.session.scalar(select(Certificate))}


def test_trainee_downloads_a_pdf_with_their_vietnamese_name_and_the_qr_url_verifies(client, auth, completed):
    from pypdf import PdfReader

    auth.login(completed["trainee"].email)
    home = client.get("/").get_data(as_text=True)
    assert "Khoá tiến độ" in home and "Tải PDF" in home
    resp = client.get(f"/certificates/{completed['cert'].id}.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(resp.data)).pages)
    import unicodedata

    text = unicodedata.normalize("NFC", text)
    assert "Hoàng Thị Mai" in text and "Khoá tiến độ" in text and completed["cert"].code in text
    verify_url = f"http://localhost/verify/{completed['cert'].code}"
    assert verify_url in text.replace(" ", "") or f"/verify/{completed['cert'].code}" in text.replace(" ", "")
    page = client.get(f"/verify/{completed['cert'].code}").get_data(as_text=True)
    assert "HỢP LỆ" in page and "Hoàng Thị Mai" in page and "7,5 giờ" in page


def test_other_trainees_cannot_download_it(make_app, completed, make_user):
    other = make_app().test_client()
    AuthActions(other).login(make_user("trainee", completed["commune"]).email)
    assert other.get(f"/certificates/{completed['cert'].id}.pdf").status_code == 404


def test_verify_shows_only_the_certificate_and_cannot_be_enumerated(make_app, completed):
    client = make_app().test_client()
    page = client.get(f"/verify/{completed['cert'].code.lower()}").get_data(as_text=True)
    assert "HỢP LỆ" in page
    assert completed["trainee"].email not in page  # nothing beyond the certificate's own details
    assert client.get("/verify/AAAA-BBBB-CCCC").status_code == 404
    codes = [r.status_code for r in (client.get(f"/verify/2222-3333-{i:04d}") for i in range(40))]
    assert 429 in codes  # guessing is throttled


def test_admin_revokes_with_a_reason(client, auth, completed, db):
    auth.login(completed["admin"].email)
    url = f"/certificates/{completed['cert'].id}/revoke"
    assert "Lý do thu hồi" in client.get(url).get_data(as_text=True)
    resp = auth.post(url, data={"reason": ""})
    assert "Hãy ghi lý do thu hồi" in resp.get_data(as_text=True)
    auth.post(url, data={"reason": "Cấp nhầm người"})
    page = client.get(f"/verify/{completed['cert'].code}").get_data(as_text=True)
    assert "ĐÃ THU HỒI" in page
    db.session.expire_all()
    assert db.session.get(Certificate, completed["cert"].id).revoked_reason == "Cấp nhầm người"


def test_only_admins_revoke(make_app, completed):
    c = make_app().test_client()
    AuthActions(c).login(completed["instructor"].email)
    assert c.get(f"/certificates/{completed['cert'].id}/revoke").status_code == 403


def test_instructor_issues_one_by_hand_for_prior_learning(client, auth, progress_setup, db, make_user):
    from elearn.courses import services as courses

    s = progress_setup
    courses.add_staff(s["course"], s["instructor"])
    db.session.commit()
    learner = make_user("trainee", s["commune"], name="Lộc Văn Đức")
    auth.login(s["instructor"].email)
    resp = auth.post("/courses/tien-do/certificates/issue", data={"email": learner.email, "reason": ""})
    assert "căn cứ" in resp.get_data(as_text=True)
    resp = auth.post("/courses/tien-do/certificates/issue",
                     data={"email": learner.email, "reason": "Đã học lớp trực tiếp 2 ngày tại Lạng Sơn"})
    assert resp.status_code == 302
    cert = db.session.scalar(select(Certificate).where(Certificate.user_id == learner.id))
    assert cert.manual and cert.issued_by_id == s["instructor"].id


def test_progress_api_for_me_and_for_managers_in_scope(client, db, completed, make_user, make_org):
    def bearer(user):
        _t, raw = accounts.create_token(user, "t")
        db.session.commit()
        return {"Authorization": f"Bearer {raw}"}

    mine = client.get("/api/v1/me/progress", headers=bearer(completed["trainee"])).json
    assert mine["courses"][0]["state"] == "complete" and mine["courses"][0]["certificate"] == completed["cert"].code
    inside = make_user("manager", completed["province"])
    outside = make_user("manager", make_org("Tỉnh khác", code="XX"))
    url = f"/api/v1/users/{completed['trainee'].id}/progress"
    assert client.get(url, headers=bearer(inside)).json["courses"][0]["percent"] == 100
    assert client.get(url, headers=bearer(outside)).status_code == 404


def test_staff_progress_list_shows_trainees_with_percent(client, auth, completed, db, make_user):
    from elearn.courses import services as courses

    courses.add_staff(completed["course"], completed["instructor"])
    db.session.commit()
    auth.login(completed["instructor"].email)
    html = client.get("/courses/tien-do/progress").get_data(as_text=True)
    assert "Hoàng Thị Mai" in html and "100%" in html and completed["cert"].code in html


def test_a_revoked_certificate_pdf_says_so_in_vietnamese(client, auth, completed, db):
    from elearn.core.timeutil import utcnow

    completed["cert"].revoked_at = utcnow()
    db.session.commit()
    auth.login(completed["trainee"].email)
    resp = client.get(f"/certificates/{completed['cert'].id}.pdf")
    assert resp.status_code == 410 and "đã bị thu hồi" in resp.get_data(as_text=True)
    assert "Gone" not in resp.get_data(as_text=True)
