"""Issue 9 item 8 for workshops: the write routes load the workshop with the rule of its page
(``workshops.loaders``), so a workshop hidden from the viewer cannot be written to either."""
from sqlalchemy import func, select

from elearn.workshops.models import Registration
from tests.conftest import AuthActions, csrf_token


def _registrations(db):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Registration))


def test_manager_cannot_sign_up_a_unit_to_a_draft_workshop(make_app, db, ws_setup):
    ws = ws_setup["ws"]
    ws.status = "draft"  # not yet open: hidden from everyone but the course staff
    db.session.commit()
    mc = make_app().test_client()
    AuthActions(mc).login(ws_setup["manager"].email)
    assert mc.get(f"/workshops/{ws.id}").status_code == 404  # the page refuses ...
    resp = mc.post(f"/workshops/{ws.id}/bulk", data={"unit": ws_setup["commune"].id,
                                                     "csrf_token": csrf_token(mc, "/account")})
    assert resp.status_code == 404  # ... and so does the write
    assert _registrations(db) == 0


def test_hidden_workshop_refuses_sign_up_on_the_web_and_the_api(make_app, db, ws_setup, make_user, make_org):
    from elearn.auth import services as accounts

    ws = ws_setup["ws"]
    outsider = make_user("trainee", make_org("Tỉnh khác", code="XX"))  # not enrolled in the course
    c = make_app().test_client()
    AuthActions(c).login(outsider.email)
    assert c.get(f"/workshops/{ws.id}").status_code == 404
    assert c.post(f"/workshops/{ws.id}/signup", data={"csrf_token": csrf_token(c, "/account")}).status_code == 404
    _t, raw = accounts.create_token(outsider, "t")
    db.session.commit()
    resp = c.post(f"/api/v1/workshops/{ws.id}/registration", headers={"Authorization": f"Bearer {raw}"})
    assert resp.status_code == 404
    assert _registrations(db) == 0
