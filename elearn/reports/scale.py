"""A synthetic province for benchmarks: ``flask demo scale --trainees N``.

A province library with communes (about 200 trainees each, as after the 2025 merger) and a
reading point under every fifth commune; trainees spread over them with Vietnamese names; the
province enrolled in the given courses; course progress rows in every state (none, started,
complete with a grade and a date in the last year, missed). Everything goes in with bulk inserts in
batches, so 20,000 trainees take seconds, not minutes.
"""
import random
from datetime import timedelta

from sqlalchemy import insert, select

from ..auth.models import User
from ..core.timeutil import utcnow
from ..courses.models import Enrolment
from ..extensions import db
from ..orgs.models import OrgUnit
from ..progress.models import CourseProgress
from ..auth.models import UserNameKey
from ..core.namekey import name_sort_key

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý",
          "Nông", "Lương", "Triệu", "Hà", "Lò", "Vi", "Mông", "Đinh", "Lăng", "Chu", "Sầm"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Ngọc", "Hữu", "Thanh", "Quang", "Kim"]
GIVEN = ["An", "Ánh", "Ân", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hà", "Hạnh", "Hoa", "Hùng", "Hương",
         "Khánh", "Lan", "Linh", "Mai", "Nam", "Nga", "Ngọc", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Thắng",
         "Trang", "Tuấn", "Vân", "Yến", "Ý", "Ơn", "Ưng", "Đạt"]
COMMUNE_WORDS = ["Tân", "Đồng", "Bắc", "Nam", "Hưng", "Phú", "Yên", "Quang", "Thành", "Hòa", "Vĩnh", "Xuân",
                 "Lộc", "Bình", "An", "Trung", "Mỹ", "Thạch", "Đại", "Kim"]
BATCH = 5000


def _batches(rows, size=BATCH):
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def build_province(trainees: int, courses, *, code: str = "SC", name: str = "Thư viện tỉnh Mô Phỏng",
                   per_commune: int = 200, seed: int = 7):
    """Create the province and everything under it; returns (province, communes, trainees)."""
    rnd = random.Random(seed)
    now = utcnow()
    province = OrgUnit(code=code, name=name, depth=0, path="")
    db.session.add(province)
    db.session.flush()
    province.path = f"/{province.id}/"
    n_communes = max(2, -(-trainees // per_commune))
    units = []
    for i in range(n_communes):
        u = OrgUnit(code=f"{code}-X{i + 1:03d}", name=f"Thư viện xã {rnd.choice(COMMUNE_WORDS)} "
                                                     f"{rnd.choice(COMMUNE_WORDS)} {i + 1}",
                    parent_id=province.id, depth=1, path="")
        units.append(u)
    db.session.add_all(units)
    db.session.flush()
    for u in units:
        u.path = f"{province.path}{u.id}/"
    points = []
    for i, parent in enumerate(units[::5]):
        p = OrgUnit(code=f"{parent.code}-D", name=f"Điểm đọc sách thôn {rnd.choice(COMMUNE_WORDS)} {i + 1}",
                    parent_id=parent.id, depth=2, path="")
        points.append(p)
    db.session.add_all(points)
    db.session.flush()
    by_id = {u.id: u for u in units}
    for p in points:
        p.path = f"{by_id[p.parent_id].path}{p.id}/"
    db.session.flush()
    leaves = [u.id for u in units] + [p.id for p in points]

    created = now - timedelta(days=400)
    users = []
    for i in range(trainees):
        nm = f"{rnd.choice(FAMILY)} {rnd.choice(MIDDLE)} {rnd.choice(GIVEN)}"
        seen = now - timedelta(minutes=rnd.randint(0, 60 * 24 * 90)) if rnd.random() < 0.7 else None
        users.append({"email": f"hv{i + 1}@{code.lower()}.scale.thuvien.vn", "name": nm, "password_hash": "",
                      "role": "trainee", "org_id": rnd.choice(leaves), "active": rnd.random() > 0.02,
                      "locale": None, "session_version": 1, "created_at": created, "last_login_at": seen, "last_seen_at": seen})
    for chunk in _batches(users):
        db.session.execute(insert(User), chunk)
    ids = db.session.execute(select(User.id, User.name).join(OrgUnit, User.org_id == OrgUnit.id)
                             .where(OrgUnit.path.startswith(province.path))).all()
    for chunk in _batches([{"user_id": i, "sort_key": name_sort_key(n)} for i, n in ids]):
        db.session.execute(insert(UserNameKey), chunk)

    for course in courses:
        db.session.add(Enrolment(course_id=course.id, org_id=province.id))
    db.session.flush()
    rows = []
    for course in courses:
        due_missed = rnd.random() < 0.2
        for uid, _n in ids:
            r = rnd.random()
            if r < 0.3:
                continue  # not started: no row
            last = now - timedelta(days=rnd.randint(0, 360), minutes=rnd.randint(0, 1440))
            if r < 0.65:
                state, percent, grade, done_at = ("missed" if due_missed else "started"), rnd.randint(5, 95), None, None
            else:
                state, percent, grade, done_at = "complete", 100, round(rnd.uniform(50, 100), 1), last
            rows.append({"user_id": uid, "course_id": course.id, "state": state, "done": percent // 10,
                         "required": 10, "percent": percent, "grade": grade, "completed_at": done_at,
                         "last_activity_at": last})
    for chunk in _batches(rows):
        db.session.execute(insert(CourseProgress), chunk)
    db.session.flush()
    return province, units + points, len(ids)
