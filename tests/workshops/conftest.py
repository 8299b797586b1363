from datetime import timedelta

import pytest

from elearn.core.timeutil import utcnow


@pytest.fixture
def ws_setup(db, make_org, make_user):
    """A published two-day workshop (two sessions next week) with 2 seats, for a course the whole
    province is enrolled in."""
    from elearn.courses import services as courses
    from elearn.courses.models import Activity
    from elearn.workshops import services
    from elearn.workshops.models import Workshop

    province = make_org("Thư viện tỉnh Lạng Sơn", code="LS")
    district = make_org("Thư viện huyện Cao Lộc", parent=province, code="CL")
    commune = make_org("Thư viện xã Đồng Đăng", parent=district, code="DD")
    other = make_org("Thư viện huyện Văn Lãng", parent=province, code="VL")
    instructor = make_user("instructor", province, name="Lương Thị Hạnh")
    course = courses.create_course(instructor, "Pháp luật về thư viện", "", 8)
    course.status = "published"
    module = courses.create_module(course, "Tập huấn trực tiếp")
    module.status = "published"
    courses.enrol_org(course, province)
    ws = Workshop(course_id=course.id, title="Tập huấn Luật Thư viện", capacity=2, status="published",
                  cancel_cutoff_hours=24)
    db.session.add(ws)
    db.session.flush()
    act = Activity(module_id=module.id, course_id=course.id, kind="workshop", slug="tap-huan", title=ws.title,
                   status="published", settings={"completion": "attended"})
    db.session.add(act)
    db.session.flush()
    ws.activity_id = act.id
    start = (utcnow() + timedelta(days=8)).replace(hour=1, minute=30, second=0, microsecond=0)
    s1 = services.new_session(ws, title="Ngày 1", starts_at=start, ends_at=start + timedelta(hours=3),
                              venue="Hội trường Thư viện tỉnh", trainer="Lương Thị Hạnh")
    s2 = services.new_session(ws, title="Ngày 2", starts_at=start + timedelta(days=1),
                              ends_at=start + timedelta(days=1, hours=3), venue="Hội trường Thư viện tỉnh",
                              trainer="Lương Thị Hạnh")
    db.session.commit()
    return {"ws": ws, "s1": s1, "s2": s2, "course": course, "act": act, "instructor": instructor,
            "province": province, "district": district, "commune": commune, "other": other,
            "trainees": [make_user("trainee", commune, name=n) for n in
                         ("Hoàng Thị Mai", "Lộc Văn Đức", "Chu Thị Thu", "Vi Thị Lan Anh")],
            "manager": make_user("manager", district, name="Nông Văn Dũng")}


def open_sessions(db, ws_setup):
    """Move both sessions so attendance can be marked now: day 1 yesterday, day 2 started an hour ago
    (attendance opens at a session's start minus the check-in margin, not before)."""
    now = utcnow()
    s1, s2 = ws_setup["s1"], ws_setup["s2"]
    s1.starts_at, s1.ends_at = now - timedelta(days=1), now - timedelta(days=1) + timedelta(hours=3)
    s2.starts_at, s2.ends_at = now - timedelta(hours=1), now + timedelta(hours=2)
    db.session.commit()
