"""Workshop, session, registration and attendance states: one StrEnum each, labels in one place."""
from elearn.workshops import models
from elearn.workshops.states import (ACTIVE, AttendanceStatus, Outcome, RegStatus, SessionStatus, WorkshopStatus,
                                     state_label, workshop_status_label)


def test_the_constraints_allow_exactly_the_enum_values():
    def allowed(model):
        cons = [c for c in model.__table__.constraints if str(c.name).endswith("_status")]
        return str(cons[0].sqltext)

    assert allowed(models.Workshop) == "status IN ('draft', 'published', 'cancelled')"
    assert allowed(models.Registration) == "status IN ('requested', 'declined', 'booked', 'waitlisted', 'cancelled')"
    assert allowed(models.Attendance) == "status IN ('present', 'late', 'excused', 'absent')"
    assert set(ACTIVE) == {"requested", "booked", "waitlisted"}
    assert SessionStatus.SCHEDULED == "scheduled"


def test_labels(app):
    with app.test_request_context():
        assert state_label(RegStatus.BOOKED) == "Đã có chỗ"
        assert state_label("partly_attended") == "Tham dự một phần"
        assert state_label(Outcome.NO_SHOW) == "Vắng mặt"
        assert state_label("absent") == "Vắng"
        assert state_label("something") == "something"
        assert workshop_status_label(WorkshopStatus.PUBLISHED) == "Đang mở"


def test_sign_in_sheet_words():
    assert AttendanceStatus.parse(" Có  mặt ") == AttendanceStatus.PRESENT
    assert AttendanceStatus.parse("LATE") == AttendanceStatus.LATE
    assert AttendanceStatus.parse("vang") == AttendanceStatus.ABSENT
    assert AttendanceStatus.parse("có phép") == AttendanceStatus.EXCUSED
    assert AttendanceStatus.parse("maybe") is None
