"""The iCalendar builder: time zone, UID/SEQUENCE, status, Vietnamese text, RFC 5545 framing.

No Flask app: elearn.workshops.ical needs only the icalendar library.
"""

import unicodedata
from datetime import datetime, timedelta, timezone

import pytest
from icalendar import Calendar

from elearn.workshops.ical import PRODID, TZID, CalSession, build_calendar, event_key

TITLE = "Tập huấn Luật Thư viện – ngày 1"
VENUE = "Hội trường Thư viện tỉnh Lạng Sơn"
UID = "workshop-3-session-7@thuvien-hoctap"


def make_session(**overrides) -> CalSession:
    fields = dict(
        uid=UID,
        sequence=2,
        title=TITLE,
        starts_at=datetime(2026, 11, 27, 1, 30),
        ends_at=datetime(2026, 11, 27, 4, 30),
        venue=VENUE,
        description="Mang theo máy tính xách tay; tài liệu phát tại lớp, miễn phí.",
        url="https://thuvien.example.vn/workshops/3",
    )
    fields.update(overrides)
    return CalSession(**fields)


def parse(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def events(cal: Calendar) -> list:
    return list(cal.walk("VEVENT"))


def utc(dt: datetime) -> datetime:
    return dt.replace(tzinfo=timezone.utc)


def nfc(text) -> str:
    return unicodedata.normalize("NFC", str(text))


# ---------------------------------------------------------------- calendar


def test_calendar_headers():
    cal = parse(build_calendar([make_session()], name="Lịch tập huấn – Thư viện tỉnh Lạng Sơn"))
    assert cal.name == "VCALENDAR"
    assert str(cal["PRODID"]) == PRODID == "-//Thu vien hoc tap//VI"
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["CALSCALE"]) == "GREGORIAN"
    assert nfc(cal["X-WR-CALNAME"]) == "Lịch tập huấn – Thư viện tỉnh Lạng Sơn"
    assert str(cal["X-WR-TIMEZONE"]) == "Asia/Ho_Chi_Minh"


def test_vtimezone_present_exactly_once():
    data = build_calendar([make_session(uid=f"s{i}@x", sequence=i) for i in range(3)], name="L")
    assert data.count(b"BEGIN:VTIMEZONE") == 1
    cal = parse(data)
    zones = list(cal.walk("VTIMEZONE"))
    assert len(zones) == 1
    tz = zones[0]
    assert str(tz["TZID"]) == TZID == "Asia/Ho_Chi_Minh"
    standards = list(tz.walk("STANDARD"))
    assert len(standards) == 1
    assert not list(tz.walk("DAYLIGHT"))
    std = standards[0]
    assert std.decoded("TZOFFSETFROM") == timedelta(hours=7)
    assert std.decoded("TZOFFSETTO") == timedelta(hours=7)
    assert str(std["TZNAME"]) == "ICT"
    assert b"DTSTART:19700101T000000\r\n" in data
    assert b"TZOFFSETFROM:+0700\r\n" in data and b"TZOFFSETTO:+0700\r\n" in data


def test_empty_list_is_a_valid_calendar_without_events():
    data = build_calendar([], name="Trống")
    cal = parse(data)
    assert cal.name == "VCALENDAR"
    assert events(cal) == []
    assert b"BEGIN:VEVENT" not in data
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
    assert len(list(cal.walk("VTIMEZONE"))) == 1


def test_one_event_per_session():
    sessions = [make_session(uid=f"workshop-3-session-{i}@thuvien-hoctap", sequence=i) for i in range(1, 5)]
    evs = events(parse(build_calendar(sessions, name="L")))
    assert [str(e["UID"]) for e in evs] == [s.uid for s in sessions]


# ---------------------------------------------------------------- times


def test_dtstart_dtend_are_local_with_tzid_and_same_instant():
    session = make_session()
    ev = events(parse(build_calendar([session], name="L")))[0]
    for prop, original in (("DTSTART", session.starts_at), ("DTEND", session.ends_at)):
        assert ev[prop].params["TZID"] == "Asia/Ho_Chi_Minh"
        dt = ev.decoded(prop)
        assert dt.tzinfo is not None
        assert dt.astimezone(timezone.utc) == utc(original)
        assert dt.utcoffset() == timedelta(hours=7)
    start = ev.decoded("DTSTART")
    assert (start.hour, start.minute) == (8, 30)  # 01:30 UTC → 08:30 in Vietnam
    assert ev.decoded("DTEND").hour == 11


def test_raw_dtstart_line_is_local_wall_clock():
    data = build_calendar([make_session()], name="L")
    assert b"DTSTART;TZID=Asia/Ho_Chi_Minh:20261127T083000\r\n" in data
    assert b"DTEND;TZID=Asia/Ho_Chi_Minh:20261127T113000\r\n" in data


def test_conversion_crosses_midnight():
    # 20:00 UTC on the 26th is 03:00 on the 27th in Vietnam.
    session = make_session(starts_at=datetime(2026, 11, 26, 20, 0), ends_at=datetime(2026, 11, 26, 22, 0))
    ev = events(parse(build_calendar([session], name="L")))[0]
    start = ev.decoded("DTSTART")
    assert (start.day, start.hour) == (27, 3)
    assert start.astimezone(timezone.utc) == utc(session.starts_at)


def test_aware_input_is_converted():
    aware = datetime(2026, 11, 27, 8, 30, tzinfo=timezone(timedelta(hours=7)))
    session = make_session(starts_at=aware, ends_at=aware + timedelta(hours=3))
    ev = events(parse(build_calendar([session], name="L")))[0]
    assert ev.decoded("DTSTART").astimezone(timezone.utc) == utc(datetime(2026, 11, 27, 1, 30))


def test_dtstamp_is_utc_now():
    before = datetime.now(timezone.utc).replace(microsecond=0)
    ev = events(parse(build_calendar([make_session()], name="L")))[0]
    after = datetime.now(timezone.utc)
    stamp = ev.decoded("DTSTAMP")
    assert stamp.utcoffset() == timedelta(0)
    assert before <= stamp <= after
    assert b"DTSTAMP:" in ev.to_ical() and ev.to_ical().split(b"DTSTAMP:")[1].split(b"\r\n")[0].endswith(b"Z")


def test_explicit_dtstamp_makes_output_deterministic():
    stamp = datetime(2026, 11, 1, 12, 0)
    one = build_calendar([make_session()], name="L", dtstamp=stamp)
    two = build_calendar([make_session()], name="L", dtstamp=stamp)
    assert one == two
    assert b"DTSTAMP:20261101T120000Z\r\n" in one


def test_end_before_start_is_rejected():
    with pytest.raises(ValueError):
        build_calendar([make_session(ends_at=datetime(2026, 11, 27, 1, 0))], name="L")


# ---------------------------------------------------------------- identity, status


def test_uid_and_sequence_preserved_and_stable():
    session = make_session(sequence=5)
    ev1 = events(parse(build_calendar([session], name="L")))[0]
    ev2 = events(parse(build_calendar([session], name="Khác")))[0]
    assert str(ev1["UID"]) == str(ev2["UID"]) == UID
    assert ev1.decoded("SEQUENCE") == ev2.decoded("SEQUENCE") == 5
    bumped = events(parse(build_calendar([make_session(sequence=6)], name="L")))[0]
    assert str(bumped["UID"]) == UID and bumped.decoded("SEQUENCE") == 6


def test_event_key():
    assert event_key(UID, 3) == event_key(UID, 3)
    assert event_key(UID, 3) != event_key(UID, 4)
    assert event_key(UID, 3) != event_key("workshop-3-session-8@thuvien-hoctap", 3)
    assert UID in event_key(UID, 3)


def test_confirmed_by_default():
    ev = events(parse(build_calendar([make_session()], name="L")))[0]
    assert str(ev["STATUS"]) == "CONFIRMED"


def test_cancelled_status_keeps_summary_and_notes_description():
    ev = events(parse(build_calendar([make_session(cancelled=True, sequence=3)], name="L")))[0]
    assert str(ev["STATUS"]) == "CANCELLED"
    assert nfc(ev["SUMMARY"]) == TITLE
    assert "Đã huỷ" in nfc(ev["DESCRIPTION"])
    assert ev.decoded("SEQUENCE") == 3


def test_method_only_when_asked():
    assert "METHOD" not in parse(build_calendar([make_session()], name="L"))
    assert b"METHOD" not in build_calendar([make_session()], name="L")
    cal = parse(build_calendar([make_session()], name="L", method="REQUEST"))
    assert str(cal["METHOD"]) == "REQUEST"
    assert str(events(cal)[0]["STATUS"]) == "CONFIRMED"


def test_method_cancel_marks_events_cancelled():
    cal = parse(build_calendar([make_session()], name="L", method="CANCEL"))
    assert str(cal["METHOD"]) == "CANCEL"
    assert str(events(cal)[0]["STATUS"]) == "CANCELLED"


def test_unknown_method_rejected():
    with pytest.raises(ValueError):
        build_calendar([make_session()], name="L", method="DELETE")


# ---------------------------------------------------------------- text


def test_vietnamese_text_round_trips():
    ev = events(parse(build_calendar([make_session()], name="L")))[0]
    assert nfc(ev["SUMMARY"]) == TITLE
    assert nfc(ev["LOCATION"]) == VENUE
    description = nfc(ev["DESCRIPTION"])
    assert "Mang theo máy tính xách tay; tài liệu phát tại lớp, miễn phí." in description
    assert "https://thuvien.example.vn/workshops/3" in description
    assert str(ev["URL"]) == "https://thuvien.example.vn/workshops/3"


def test_decomposed_input_is_normalised():
    decomposed = unicodedata.normalize("NFD", TITLE)
    data = build_calendar([make_session(title=decomposed)], name="L")
    assert TITLE.encode("utf-8") in data.replace(b"\r\n ", b"")


def test_no_url_no_url_property():
    ev = events(parse(build_calendar([make_session(url="", description="")], name="L")))[0]
    assert "URL" not in ev
    assert "DESCRIPTION" not in ev


def test_organizer_name_mentioned():
    ev = events(parse(build_calendar([make_session(organizer_name="Thư viện tỉnh Lạng Sơn")], name="L")))[0]
    assert "Thư viện tỉnh Lạng Sơn" in nfc(ev["DESCRIPTION"])


def test_crlf_and_folding_at_75_octets():
    long_title = "Tập huấn nghiệp vụ: " + "chuyển đổi số trong thư viện công cộng cấp tỉnh, huyện và xã " * 4
    data = build_calendar(
        [make_session(title=long_title, description="Nội dung rất dài. " * 40)],
        name="Lịch tập huấn của Thư viện tỉnh Lạng Sơn năm 2026 – toàn bộ các buổi",
    )
    data.decode("utf-8")  # valid UTF-8 (folding never splits a character)
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"\r" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # something was folded
    # Unfolded, the long title is intact.
    ev = events(parse(data))[0]
    assert nfc(ev["SUMMARY"]) == " ".join(long_title.split())
