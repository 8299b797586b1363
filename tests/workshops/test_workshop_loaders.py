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


def test_visible_workshops_reads_a_fixed_number_of_queries_and_keeps_targeting(db, ws_setup, make_org, count_queries):
    """Targets, registrations and sessions are read for all workshops at once (not once per
    workshop), and a workshop aimed at another unit stays hidden unless the trainee has a seat."""
    from elearn.workshops import services
    from elearn.workshops.models import Registration, Workshop, WorkshopTarget

    s = ws_setup
    trainee = s["trainees"][0]

    def add(n, aimed_at):
        made = []
        for i in range(n):
            ws = Workshop(course_id=s["course"].id, title=f"Lớp {aimed_at.code} {i}", capacity=5, status="published")
            db.session.add(ws)
            db.session.flush()
            db.session.add(WorkshopTarget(workshop_id=ws.id, org_id=aimed_at.id))
            made.append(ws)
        db.session.commit()
        return made

    def counted():
        db.session.expire_all()
        with count_queries() as n:
            seen = {w.id for w in services.visible_workshops(trainee)}
        return seen, n()

    add(2, s["commune"])
    hidden = add(2, s["other"])
    _seen, few = counted()
    add(6, s["commune"])
    add(6, s["other"])
    seen, many = counted()
    assert many == few  # the same statements for 4 or 16 workshops
    assert s["ws"].id in seen and not {w.id for w in hidden} & seen
    assert len(seen) == 1 + 2 + 6
    db.session.add(Registration(workshop_id=hidden[0].id, user_id=trainee.id, status="booked"))
    db.session.commit()
    seen, _n = counted()
    assert hidden[0].id in seen and hidden[1].id not in seen  # a seat shows it even if aimed elsewhere


def test_attendance_page_and_api_share_one_check(make_app, db, ws_setup, make_org, make_user):
    """``loaders.load_attendance_view``: the course's staff and a manager who can see the workshop
    read it (page and API alike); a manager of another province gets 404 from both; a trainee 403."""
    from elearn.auth import services as accounts

    ws = ws_setup["ws"]
    elsewhere = make_org("Thư viện tỉnh Cao Bằng", code="CB")
    outsider = make_user("manager", elsewhere, name="Đàm Văn Tú")

    def both(user):
        c = make_app().test_client()
        AuthActions(c).login(user.email)
        _t, raw = accounts.create_token(user, "t")
        db.session.commit()
        api = c.get(f"/api/v1/workshops/{ws.id}/attendance", headers={"Authorization": f"Bearer {raw}"})
        return c.get(f"/workshops/{ws.id}/units").status_code, api.status_code

    assert both(ws_setup["instructor"]) == (200, 200)
    assert both(ws_setup["manager"]) == (200, 200)
    assert both(outsider) == (404, 404)
    assert both(ws_setup["trainees"][0]) == (403, 403)
