"""Workshop sessions as an iCalendar (RFC 5545) file.

Self-contained: needs only the ``icalendar`` library. No Flask, no database.

    data = build_calendar([CalSession(...), ...], name="Tập huấn Thư viện tỉnh Lạng Sơn")
    data = build_calendar([session], name=..., method="REQUEST")   # e-mail attachment

Times come in as naive UTC (as stored) and go out as local wall-clock time with
``TZID=Asia/Ho_Chi_Minh``; the calendar carries its own VTIMEZONE for that zone
(UTC+7 all year, no daylight saving), so clients need no time-zone database.

The caller owns ``uid`` (stable for the life of a session) and ``sequence``
(bumped on every change, including cancellation): clients use the pair to
replace their stored copy of an event.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from icalendar import Calendar, Event, Timezone, TimezoneStandard

__all__ = [
    "CalSession",
    "build_calendar",
    "event_key",
    "PRODID",
    "TZID",
    "UTC_OFFSET",
    "METHODS",
    "CANCELLED_NOTE",
]

PRODID = "-//Thu vien hoc tap//VI"
TZID = "Asia/Ho_Chi_Minh"
#: Vietnam has kept UTC+7 all year since 1975.
UTC_OFFSET = timedelta(hours=7)
#: iTIP (RFC 5546) methods accepted for ``method``.
METHODS = frozenset({"PUBLISH", "REQUEST", "CANCEL"})
#: First line of the DESCRIPTION of a cancelled session.
CANCELLED_NOTE = "Đã huỷ: buổi học này không diễn ra."


@dataclass
class CalSession:
    uid: str  # stable, e.g. "workshop-3-session-7@thuvien-hoctap"
    sequence: int  # bumped by the owner on every change
    title: str  # Vietnamese
    starts_at: datetime  # naive UTC
    ends_at: datetime  # naive UTC
    venue: str
    description: str = ""
    url: str = ""
    cancelled: bool = False
    organizer_name: str = ""  # optional


def event_key(uid: str, sequence: int) -> str:
    """A string naming one version of one event: ``"<uid>#<sequence>"``.

    Two calls give the same key exactly when the event has not changed, e.g. to
    remember which version of an invitation was already e-mailed."""
    return f"{uid}#{int(sequence)}"


# ---------------------------------------------------------------- helpers


def _text(value: str | None) -> str:
    """NFC-normalise (form input may arrive decomposed) and unify line breaks."""
    text = unicodedata.normalize("NFC", value or "")
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _one_line(value: str | None) -> str:
    return " ".join(_text(value).split())


def _as_utc(dt: datetime) -> datetime:
    """Naive datetimes are UTC; aware ones are converted. Returns aware UTC."""
    if dt.tzinfo is None:
        return dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)


def _local(dt: datetime) -> datetime:
    """UTC → naive Asia/Ho_Chi_Minh wall-clock time (to be written with TZID)."""
    return (_as_utc(dt) + UTC_OFFSET).replace(tzinfo=None, microsecond=0)


def _vtimezone() -> Timezone:
    tz = Timezone()
    tz.add("tzid", TZID)
    tz.add("x-lic-location", TZID)
    std = TimezoneStandard()
    std.add("dtstart", datetime(1970, 1, 1, 0, 0, 0))
    std.add("tzoffsetfrom", UTC_OFFSET)
    std.add("tzoffsetto", UTC_OFFSET)
    std.add("tzname", "ICT")
    tz.add_component(std)
    return tz


def _description(session: CalSession, cancelled: bool) -> str:
    parts = []
    if cancelled:
        parts.append(CANCELLED_NOTE)
    if session.description and _text(session.description):
        parts.append(_text(session.description))
    if session.organizer_name and _one_line(session.organizer_name):
        parts.append(f"Đơn vị tổ chức: {_one_line(session.organizer_name)}")
    if session.url and session.url.strip():
        parts.append(session.url.strip())
    return "\n\n".join(parts)


def _vevent(session: CalSession, dtstamp: datetime, force_cancel: bool) -> Event:
    uid = (session.uid or "").strip()
    if not uid:
        raise ValueError("CalSession.uid must not be empty")
    if _as_utc(session.ends_at) <= _as_utc(session.starts_at):
        raise ValueError(f"session {uid}: ends_at must be later than starts_at")
    cancelled = bool(session.cancelled) or force_cancel

    event = Event()
    event.add("uid", uid)
    event.add("sequence", max(0, int(session.sequence)))
    event.add("dtstamp", dtstamp)
    event.add("dtstart", _local(session.starts_at), parameters={"TZID": TZID})
    event.add("dtend", _local(session.ends_at), parameters={"TZID": TZID})
    event.add("summary", _one_line(session.title))
    if _one_line(session.venue):
        event.add("location", _one_line(session.venue))
    description = _description(session, cancelled)
    if description:
        event.add("description", description)
    if session.url and session.url.strip():
        event.add("url", session.url.strip())
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    # A cancelled session no longer blocks time in the attendee's calendar.
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    return event


# ---------------------------------------------------------------- builder


def build_calendar(
    sessions: list[CalSession],
    *,
    name: str,
    method: str | None = None,
    dtstamp: datetime | None = None,
) -> bytes:
    """Build a VCALENDAR with one VEVENT per session; return it as UTF-8 bytes.

    ``method`` ("REQUEST" or "CANCEL" for e-mail attachments, "PUBLISH") adds a
    METHOD property; leave it None for a subscribable feed or a download. With
    ``method="CANCEL"`` every event is written as STATUS:CANCELLED (RFC 5546).
    ``dtstamp`` (default: now) is the DTSTAMP of every event, naive = UTC.

    Lines end in CRLF and are folded at 75 octets (never inside a UTF-8 character).
    Raises ValueError for an unknown method, an empty uid or ends_at <= starts_at.
    """
    if method is not None:
        method = method.strip().upper()
        if method not in METHODS:
            raise ValueError(f"unsupported iCalendar METHOD: {method!r}")
    stamp = _as_utc(dtstamp or datetime.now(timezone.utc)).replace(microsecond=0)

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    cal.add("x-wr-calname", _one_line(name))
    cal.add("x-wr-timezone", TZID)
    cal.add_component(_vtimezone())
    for session in sessions:
        cal.add_component(_vevent(session, stamp, force_cancel=method == "CANCEL"))
    return cal.to_ical()
