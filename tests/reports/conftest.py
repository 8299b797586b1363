"""A small org tree built by hand, where every count of the reports is known.

    P  Thư viện tỉnh Phú Thọ          Q  Thư viện tỉnh Quảng Ninh (outside P)
    ├── D1 Thư viện huyện Đoan Hùng      └── tq (completed A)
    │   ├── t7 (directly in D1: A started, 40 %)
    │   ├── C1 Thư viện xã Chí Đám
    │   │   ├── t1 A completed (grade 80), B individually enrolled, no row
    │   │   ├── t2 A started (50 %)
    │   │   ├── t3 A no row
    │   │   ├── t4 A completed but inactive (never counted)
    │   │   └── mC1 manager (never counted)
    │   └── C2 Thư viện xã Bằng Luân
    │       ├── t5 A completed (grade 60)
    │       └── t6 A no row
    └── D2 Thư viện huyện Ba Vì
        └── C3 Thư viện xã Ba Trại
            ├── t8 A completed (grade 90), B completed
            └── t9 A no row
Course A is enrolled for P's subtree (and Q's); course B for D2's subtree plus t1 alone.
Workshop of A: session s1 (t1 present, t2 absent, t5 late) and a cancelled session s2 (t1 present).
"""
from datetime import datetime, timedelta

import pytest

from elearn.extensions import db as _db

NAMES = {
    "t1": "Nguyễn Văn An", "t2": "Trần Thị Bình", "t3": "Lê Văn Đức", "t4": "Phạm Thị Dung",
    "t5": "Hoàng Văn Cường", "t6": "Đỗ Thị Ánh", "t7": "Vũ Văn Ân", "t8": "Bùi Thị Em", "t9": "Đinh Văn Giang",
    "tq": "Mai Thị Hà",
}


@pytest.fixture
def tree(app, make_user):
    from elearn.courses.models import Course, Enrolment
    from elearn.orgs.services import create_unit
    from elearn.progress.models import Certificate, CourseProgress
    from elearn.workshops.models import Attendance, Workshop, WorkshopSession

    P = create_unit("P", "Thư viện tỉnh Phú Thọ", None)
    D1 = create_unit("D1", "Thư viện huyện Đoan Hùng", P)
    D2 = create_unit("D2", "Thư viện huyện Ba Vì", P)
    C1 = create_unit("C1", "Thư viện xã Chí Đám", D1)
    C2 = create_unit("C2", "Thư viện xã Bằng Luân", D1)
    C3 = create_unit("C3", "Thư viện xã Ba Trại", D2)
    Q = create_unit("Q", "Thư viện tỉnh Quảng Ninh", None)
    _db.session.commit()
    place = {"t1": C1, "t2": C1, "t3": C1, "t4": C1, "t5": C2, "t6": C2, "t7": D1, "t8": C3, "t9": C3, "tq": Q}
    u = {k: make_user("trainee", org=place[k], email=f"{k}@example.vn", name=NAMES[k]) for k in place}
    u["t4"].active = False
    u["mC1"] = make_user("manager", org=C1, email="mc1@example.vn", name="Quản Lý Xã")
    u["mD1"] = make_user("manager", org=D1, email="md1@example.vn", name="Quản Lý Huyện")
    u["mP"] = make_user("manager", org=P, email="mp@example.vn", name="Quản Lý Tỉnh")
    u["admin"] = make_user("admin", org=P, email="admin@example.vn", name="Quản Trị")
    u["teacher"] = make_user("instructor", org=P, email="gv@example.vn", name="Giảng Viên")
    u["other_teacher"] = make_user("instructor", org=P, email="gv2@example.vn", name="Giảng Viên Khác")

    A = Course(slug="khoa-a", title="Khoá A", status="published", completion={})
    B = Course(slug="khoa-b", title="Khoá B", status="published", completion={})
    _db.session.add_all([A, B])
    _db.session.flush()
    from elearn.courses.models import CourseStaff

    _db.session.add(CourseStaff(course_id=A.id, user_id=u["teacher"].id))
    _db.session.add_all([Enrolment(course_id=A.id, org_id=P.id), Enrolment(course_id=A.id, org_id=Q.id),
                         Enrolment(course_id=B.id, org_id=D2.id), Enrolment(course_id=B.id, user_id=u["t1"].id)])
    done = datetime(2026, 10, 15, 3, 0)

    def row(k, course, state, percent, grade=None, completed_at=None):
        _db.session.add(CourseProgress(user_id=u[k].id, course_id=course.id, state=state, percent=percent,
                                       grade=grade, completed_at=completed_at, done=0, required=0,
                                       last_activity_at=completed_at or done))

    row("t1", A, "complete", 100, 80, done)
    row("t2", A, "started", 50)
    row("t4", A, "complete", 100, 10, done)
    row("t5", A, "complete", 100, 60, done - timedelta(days=31))
    row("t7", A, "started", 40)
    row("t8", A, "complete", 100, 90, done)
    row("t8", B, "complete", 100, 70, done)
    row("tq", A, "complete", 100, 100, done)
    _db.session.add(Certificate(code="CERT-T1", user_id=u["t1"].id, course_id=A.id, full_name=NAMES["t1"],
                                course_title="Khoá A", issuer="Thư viện", completed_on=done.date()))
    ws = Workshop(course_id=A.id, title="Tập huấn A", status="published")
    _db.session.add(ws)
    _db.session.flush()
    s1 = WorkshopSession(workshop_id=ws.id, title="Ngày 1", starts_at=done, ends_at=done + timedelta(hours=3),
                         checkin_secret="s1")
    s2 = WorkshopSession(workshop_id=ws.id, title="Ngày 2", starts_at=done + timedelta(days=1),
                         ends_at=done + timedelta(days=1, hours=3), checkin_secret="s2", status="cancelled")
    _db.session.add_all([s1, s2])
    _db.session.flush()
    for k, sess, st in (("t1", s1, "present"), ("t2", s1, "absent"), ("t5", s1, "late"), ("t1", s2, "present")):
        _db.session.add(Attendance(session_id=sess.id, user_id=u[k].id, status=st))
    _db.session.commit()
    return {"units": {"P": P, "D1": D1, "D2": D2, "C1": C1, "C2": C2, "C3": C3, "Q": Q}, "users": u,
            "A": A, "B": B, "workshop": ws}
