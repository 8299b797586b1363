"""A small course with one cataloguing exercise (and a lesson its feedback links to), imported from
files as the shipped courses are, with an enrolled trainee, an instructor and an outsider."""
import re

import pytest
from sqlalchemy import select

EXERCISE_KEY = """=LDR  00000nam\\a2200000\\a\\4500
=008  261130s1999\\\\\\\\vm\\\\\\\\\\\\\\\\\\\\\\\\000\\1\\vie\\d
=100  0\\$aNguyễn Kim Dần
=245  10$aVùng quê địch hậu :$btiểu thuyết /$cNguyễn Kim Dần.
=260  \\\\$aHà Nội :$bNxb. Quân đội nhân dân,$c1999.
=300  \\\\$a356 tr. ;$c19 cm.
"""

EXERCISE_YAML = """title: "Sách của một tác giả"
item: |
  Trang tên sách: NGUYỄN KIM DẦN / VÙNG QUÊ ĐỊCH HẬU / Tiểu thuyết / NXB QĐND, Hà Nội - 1999
  356 trang, cao 19 cm.
key: mot.mrk
lenient: true
lessons:
  default: bai-hoc
  "245": nhan-de
variants:
  - field: "100"
    ind1: "01"
    accept: ['=100  1\\$aNguyễn, Kim Dần.']
"""


def write_course(root, *, completion="passed", pass_mark=80, attempts=0, grading="best", second_module=False):
    c = root / "bien-muc-thu"
    (c / "mot").mkdir(parents=True)
    (c / "bai-tap").mkdir()
    modules = "[mot, hai]" if second_module else "[mot]"
    (c / "course.yaml").write_text(f"title: Biên mục thử\nsummary: x\nhours: 0\nmodules: {modules}\n", encoding="utf-8")
    (c / "mot" / "module.yaml").write_text(
        "title: Module một\nactivities:\n  - lesson: bai-hoc\n  - lesson: nhan-de\n"
        f"  - cataloguing: bt\n    exercise: ../bai-tap/mot.yaml\n    pass_mark: {pass_mark}\n"
        f"    attempts: {attempts}\n    grading: {grading}\n    completion: {completion}\n", encoding="utf-8")
    (c / "mot" / "bai-hoc.md").write_text("---\ntitle: Bài học\n---\nBiểu ghi MARC 21.\n", encoding="utf-8")
    (c / "mot" / "nhan-de.md").write_text("---\ntitle: Nhan đề\n---\nTrường 245.\n", encoding="utf-8")
    (c / "bai-tap" / "mot.yaml").write_text(EXERCISE_YAML, encoding="utf-8")
    (c / "bai-tap" / "mot.mrk").write_text(EXERCISE_KEY, encoding="utf-8")
    if second_module:
        (c / "hai").mkdir()
        (c / "hai" / "module.yaml").write_text(
            "title: Module hai\nprerequisites: [mot]\nactivities:\n  - cataloguing: bt-hai\n"
            "    exercise: ../bai-tap/mot.yaml\n", encoding="utf-8")
    return root


@pytest.fixture
def cat(tmp_path, runner, db, make_org, make_user):
    """Import the course; returns the course, the exercise activity and the people."""
    return import_course(tmp_path, runner, db, make_org, make_user)


def import_course(tmp_path, runner, db, make_org, make_user, **options):
    from elearn.courses import services as courses
    from elearn.courses.models import Activity, Course

    root = write_course(tmp_path / "courses", **options)
    result = runner.invoke(args=["courses", "import", str(root)])
    assert result.exit_code == 0, result.output
    unit = make_org("Thư viện xã Đồng Đăng", code="DD")
    course = db.session.scalar(select(Course))
    courses.enrol_org(course, unit)
    instructor = make_user("instructor", unit, email="gv@example.vn")
    courses.add_staff(course, instructor)
    db.session.commit()
    acts = {a.slug: a for a in db.session.scalars(select(Activity))}
    return {"course": course, "act": acts["bt"], "acts": acts, "unit": unit, "root": root,
            "trainee": make_user("trainee", unit, email="mai@example.vn", name="Hoàng Thị Mai"),
            "other": make_user("trainee", unit, email="lan@example.vn", name="Nguyễn Thị Lan"),
            "outsider": make_user("trainee", email="ngoai@example.vn"),
            "instructor": instructor}




def form_values(html):
    """The hidden number, seq and csrf_token of the editor form."""
    out = {}
    for m in re.finditer(r'<input[^>]*>', html):
        tag = m.group(0)
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and name.group(1) in ("number", "seq", "csrf_token", "mode"):
            out[name.group(1)] = value.group(1) if value else ""
    return out


def submit_mrk(client, act, text, action="submit", values=None):
    """Post ``text`` from the .mrk editor as the page offers it (or with ``values`` of an older page)."""
    page = f"/cataloguing/{act.id}?mode=mrk"
    if values is None:
        values = form_values(client.get(page).get_data(as_text=True))
    return client.post(f"/cataloguing/{act.id}", data={**values, "mode": "mrk", "record": text, "action": action})
