import pytest
from sqlalchemy import select


def write_course(root, *, course_completion="", m1_completion="", quiz_rule="passed", attempts=0):
    c = root / "tien-do"
    (c / "mot").mkdir(parents=True)
    (c / "hai").mkdir()
    (c / "course.yaml").write_text(f"title: Khoá tiến độ\nsummary: x\nhours: 7.5\nmodules: [mot, hai]\n{course_completion}",
                                   encoding="utf-8")
    (c / "mot" / "module.yaml").write_text(
        "title: Module một\nactivities:\n  - lesson: a\n  - lesson: b\n"
        f"  - quiz: kt\n    title: Kiểm tra\n    questions: q.gift\n    pass_mark: 50\n    attempts: {attempts}\n"
        f"    completion: {quiz_rule}\n{m1_completion}", encoding="utf-8")
    for slug in ("a", "b"):
        (c / "mot" / f"{slug}.md").write_text(f"---\ntitle: Bài {slug}\n---\nNội dung {slug}.\n", encoding="utf-8")
    (c / "mot" / "q.gift").write_text("::N:: Luật có bao nhiêu điều? {#52}\n\n::T:: Ngày Sách là 21/4. {T}\n",
                                      encoding="utf-8")
    (c / "hai" / "module.yaml").write_text(
        "title: Module hai\nprerequisites: [mot]\nactivities:\n  - lesson: c\n    completion: manual\n",
        encoding="utf-8")
    (c / "hai" / "c.md").write_text("---\ntitle: Bài c\n---\nTự đánh dấu hoàn thành.\n", encoding="utf-8")
    return root


@pytest.fixture
def progress_setup(tmp_path, runner, db, make_org, make_user):
    from elearn.courses import services as courses
    from elearn.courses.models import Activity, Course

    write_course(tmp_path / "courses")
    assert runner.invoke(args=["courses", "import", str(tmp_path / "courses")]).exit_code == 0
    province = make_org("Thư viện tỉnh Lạng Sơn", code="LS")
    commune = make_org("Thư viện xã Đồng Đăng", parent=province, code="DD")
    course = db.session.scalar(select(Course))
    courses.enrol_org(course, province)
    db.session.commit()
    acts = {a.slug: a for a in db.session.scalars(select(Activity))}
    return {"course": course, "acts": acts, "province": province, "commune": commune, "root": tmp_path / "courses",
            "trainee": make_user("trainee", commune, name="Hoàng Thị Mai"),
            "admin": make_user("admin", province), "instructor": make_user("instructor", province)}
