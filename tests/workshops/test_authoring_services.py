"""Workshop mutations are services: create, edit, publish, cancel; the roster and the sign-in sheet."""
import pytest

from elearn.core.errors import ServiceError
from elearn.workshops import attendance_records as records
from elearn.workshops import authoring, services
from elearn.workshops.models import Attendance, Reminder, WorkshopTarget
from elearn.workshops.states import RegStatus, SessionStatus, WorkshopStatus
from tests.workshops.conftest import open_sessions


def test_create_checks_the_fields_then_publish_needs_a_session(app, db, ws_setup):
    course, instructor = ws_setup["course"], ws_setup["instructor"]
    with app.test_request_context():
        with pytest.raises(ServiceError) as err:
            authoring.create_workshop(course, instructor, authoring.WorkshopFields(title="  "))
        assert err.value.field == "title"
        with pytest.raises(ServiceError) as err:
            authoring.create_workshop(course, instructor, authoring.WorkshopFields(title="X", prework_module_ids=[10**6]))
        assert err.value.field == "prework"
        with pytest.raises(ServiceError) as err:
            authoring.create_workshop(course, instructor, authoring.WorkshopFields(title="X", posttest_activity_id=ws_setup["act"].id))
        assert err.value.field == "posttest"
        db.session.rollback()
        ws = authoring.create_workshop(course, instructor, authoring.WorkshopFields(
            title=" Lớp   mới ", capacity=5, target_ids=[ws_setup["district"].id, ws_setup["district"].id]))
        db.session.commit()
        assert (ws.title, ws.status, ws.capacity, ws.created_by_id) == ("Lớp mới", WorkshopStatus.DRAFT, 5, instructor.id)
        assert db.session.query(WorkshopTarget).filter_by(workshop_id=ws.id).count() == 1
        with pytest.raises(ServiceError) as err:
            authoring.publish_workshop(ws)
        assert err.value.status == 409
        assert ws.status == WorkshopStatus.DRAFT


def test_cancel_cancels_every_session_mails_the_booked_and_cannot_be_reopened(app, db, ws_setup):
    ws, trainee = ws_setup["ws"], ws_setup["trainees"][0]
    with app.test_request_context():
        services.sign_up(trainee, ws.id)
        db.session.commit()
        authoring.cancel_workshop(ws)
        db.session.commit()
        assert ws.status == WorkshopStatus.CANCELLED
        assert {s.status for s in ws.sessions} == {SessionStatus.CANCELLED}
        assert db.session.query(Reminder).filter_by(user_id=trainee.id, kind="cancelled").count() == 2
        authoring.cancel_workshop(ws)  # again: nothing more happens
        assert db.session.query(Reminder).filter_by(user_id=trainee.id, kind="cancelled").count() == 2
        with pytest.raises(ServiceError):
            authoring.publish_workshop(ws)


def test_roster_marks_only_the_booked_with_valid_states(app, db, ws_setup):
    ws, s1 = ws_setup["ws"], ws_setup["s1"]
    booked, other = ws_setup["trainees"][0], ws_setup["trainees"][1]
    with app.test_request_context():
        services.sign_up(booked, ws.id)
        db.session.commit()
        open_sessions(db, ws_setup)
        n = records.mark_roster(s1, {booked.id: "late", other.id: "present"}, ws_setup["instructor"])
        assert n == 1
        assert records.mark_roster(s1, {booked.id: "maybe"}, ws_setup["instructor"]) == 0
        db.session.commit()
        assert {(a.user_id, a.status) for a in db.session.query(Attendance)} == {(booked.id, "late")}


def test_the_sign_in_sheet_reads_semicolons_and_vietnamese_and_is_all_or_nothing(app, db, ws_setup):
    ws = ws_setup["ws"]
    a, b, c = ws_setup["trainees"][:3]
    ws.capacity = 3
    with app.test_request_context():
        for t in (a, b):
            services.sign_up(t, ws.id)
        db.session.commit()
        open_sessions(db, ws_setup)
        bad = f"\ufeffemail;session;status\n{a.email};1;có mặt\n{c.email};1;vắng\n{b.email};3;muộn\n".encode()
        result = records.import_sheet(ws, bad, ws_setup["instructor"])
        assert [line for line, _m in result.errors] == [3, 4]
        db.session.rollback()
        assert db.session.query(Attendance).count() == 0
        good = f"email;session;status\n{a.email};1;có mặt\n{b.email};2;Muộn\n".encode()
        result = records.import_sheet(ws, good, ws_setup["instructor"])
        db.session.commit()
        assert not result.errors
        assert {(x.user_id, x.status, x.source) for x in db.session.query(Attendance)} == {
            (a.id, "present", "import"), (b.id, "late", "import")}
        rows = {u.id: marks for u, marks in records.attendance_list(ws)}
        assert rows[a.id][ws_setup["s1"].id] == "present" and rows[b.id][ws_setup["s2"].id] == "late"
        assert [(r[1], r[2], r[3]) for r in records.by_unit(ws)] == [(2, 2, 4)]
        assert services.registration_of(a, ws).status == RegStatus.BOOKED
