"""The states of workshops, sessions, registrations and attendance, with their labels, in one place.

The columns store the values (plain strings, checked by constraints); a member compares equal to
its value. Templates show ``state_label(value)`` (a Jinja global, registered by the blueprint).
"""
from enum import StrEnum

from flask_babel import lazy_gettext as _l


class _Labelled(StrEnum):
    @property
    def label(self):
        return self._labels()[self]

    @classmethod
    def _labels(cls) -> dict:
        raise NotImplementedError

    @classmethod
    def values(cls) -> tuple[str, ...]:
        return tuple(m.value for m in cls)


class WorkshopStatus(_Labelled):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"

    @classmethod
    def _labels(cls):
        return {cls.DRAFT: _l("Bản nháp"), cls.PUBLISHED: _l("Đang mở"), cls.CANCELLED: _l("Đã huỷ")}


class SessionStatus(_Labelled):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"

    @classmethod
    def _labels(cls):
        return {cls.SCHEDULED: _l("Theo lịch"), cls.CANCELLED: _l("Đã huỷ")}


class RegStatus(_Labelled):
    """A registration's status (``Registration.status``)."""

    REQUESTED = "requested"
    DECLINED = "declined"
    BOOKED = "booked"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"

    @classmethod
    def _labels(cls):
        return {cls.REQUESTED: _l("Chờ duyệt"), cls.DECLINED: _l("Bị từ chối"), cls.BOOKED: _l("Đã có chỗ"),
                cls.WAITLISTED: _l("Danh sách chờ"), cls.CANCELLED: _l("Đã huỷ")}


#: Registrations that hold (or wait for) a place: they can be cancelled, and block a second sign-up.
ACTIVE = (RegStatus.REQUESTED, RegStatus.BOOKED, RegStatus.WAITLISTED)


class Outcome(_Labelled):
    """What attendance made of a booked seat (kept in the registration's history, shown to the trainee)."""

    ATTENDED = "attended"
    PARTLY_ATTENDED = "partly_attended"
    NO_SHOW = "no_show"

    @classmethod
    def _labels(cls):
        return {cls.ATTENDED: _l("Đã tham dự"), cls.PARTLY_ATTENDED: _l("Tham dự một phần"),
                cls.NO_SHOW: _l("Vắng mặt")}


class AttendanceStatus(_Labelled):
    PRESENT = "present"
    LATE = "late"
    EXCUSED = "excused"
    ABSENT = "absent"

    @classmethod
    def _labels(cls):
        return {cls.PRESENT: _l("Có mặt"), cls.LATE: _l("Muộn"), cls.EXCUSED: _l("Có phép"), cls.ABSENT: _l("Vắng")}

    @classmethod
    def parse(cls, text: str):
        """The status a sign-in sheet cell means (English value or Vietnamese word), or None."""
        return _ATTENDANCE_WORDS.get(" ".join((text or "").split()).lower())


#: Attendance that counts as having come.
CAME = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)

_ATTENDANCE_WORDS = {
    **{s.value: s for s in AttendanceStatus},
    "có mặt": AttendanceStatus.PRESENT, "co mat": AttendanceStatus.PRESENT,
    "muộn": AttendanceStatus.LATE, "muon": AttendanceStatus.LATE,
    "có phép": AttendanceStatus.EXCUSED, "co phep": AttendanceStatus.EXCUSED,
    "vắng": AttendanceStatus.ABSENT, "vang": AttendanceStatus.ABSENT,
}


def workshop_status_label(value) -> str:
    try:
        return str(WorkshopStatus(value).label)
    except ValueError:
        return value or ""


def state_label(value) -> str:
    """The label of a registration status or outcome (what a trainee or the staff see), else the value."""
    for enum in (RegStatus, Outcome, AttendanceStatus):
        try:
            return str(enum(value).label)
        except ValueError:
            continue
    return value or ""
