import json

from sqlalchemy import func, select

from elearn.curriculum import reader as importer
from elearn.courses.models import Activity, ActivityProgress, Course, Lesson, Module


def _import(runner, path, *extra):
    return runner.invoke(args=["courses", "import", str(path), *extra])


def _counts(db):
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Course, Module, Activity, Lesson))


def test_shipped_curriculum_imports_with_content_counts(runner, db, shipped_courses):
    result = _import(runner, shipped_courses, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["errors"] == []
    by_slug = {c["slug"]: c for c in data["courses"]}
    assert set(by_slug) == {"phap-luat-thu-vien", "ung-dung-cntt-internet", "nghiep-vu-bien-muc"}
    for course in by_slug.values():
        assert course["lessons"] >= 8, course
        assert course["questions"] >= 60, course
        assert set(course) >= {"slug", "title", "modules", "lessons", "questions"}
    assert sum(c["lessons"] for c in by_slug.values()) >= 36
    assert sum(c["questions"] for c in by_slug.values()) >= 220
    assert data["warnings"] == []


def test_reimport_changes_nothing_and_keeps_progress(runner, db, course_dir, make_user):
    assert _import(runner, course_dir).exit_code == 0
    user = make_user()
    lesson = db.session.scalar(select(Activity).where(Activity.slug == "bai-1"))
    from elearn.courses.services import record_view

    record_view(user, lesson)
    db.session.commit()
    before = _counts(db)
    stamp = db.session.scalar(select(Course.updated_at))
    again = _import(runner, course_dir)
    assert again.exit_code == 0 and "0 thay đổi" in again.output
    assert _counts(db) == before
    assert db.session.scalar(select(Course.updated_at)) == stamp
    assert db.session.scalar(select(ActivityProgress.state)) == "complete"


def test_content_updates_in_place_and_removed_items_are_archived(runner, db, course_dir):
    _import(runner, course_dir)
    lesson_id = db.session.scalar(select(Activity.id).where(Activity.slug == "bai-1"))
    c = course_dir / "thu-nghiem"
    (c / "mot" / "bai-1.md").write_text("---\ntitle: Bài một (sửa)\n---\nNội dung mới.\n", encoding="utf-8")
    (c / "mot" / "module.yaml").write_text("title: Module một\nactivities:\n  - lesson: bai-1\n", encoding="utf-8")
    assert _import(runner, course_dir).exit_code == 0
    db.session.expire_all()
    lesson = db.session.get(Activity, lesson_id)
    assert lesson.title == "Bài một (sửa)" and "Nội dung mới" in lesson.lesson.body_html
    quiz = db.session.scalar(select(Activity).where(Activity.slug == "kt-1"))
    assert quiz.status == "archived"


def test_broken_file_is_refused_with_file_and_line_and_nothing_is_written(runner, db, course_dir):
    m1 = course_dir / "thu-nghiem" / "mot"
    (m1 / "module.yaml").write_text("title: Module một\nactivities:\n  - lesson: bai-1\n  - lesson: khong-co\n",
                                    encoding="utf-8")
    (m1 / "questions.gift").write_text("::Q1:: Câu hỏi hỏng {=a ~b\n", encoding="utf-8")
    (course_dir / "thu-nghiem" / "hai" / "bai-2.md").write_text(
        "---\ntitle: Bài hai\n---\nDòng một.\n\n<script>alert(1)</script>\n", encoding="utf-8")
    result = _import(runner, course_dir, "--json")
    assert result.exit_code == 1
    errors = json.loads(result.output)["errors"]
    where = {(e["file"], e["line"]) for e in errors}
    assert ("courses/thu-nghiem/mot/module.yaml", 4) in where
    assert ("courses/thu-nghiem/hai/bai-2.md", 6) in where
    assert _counts(db) == (0, 0, 0, 0)


def test_yaml_syntax_error_names_the_line(runner, db, course_dir):
    (course_dir / "thu-nghiem" / "course.yaml").write_text("title: X\nsummary: [oops\nmodules: [mot]\n", encoding="utf-8")
    result = _import(runner, course_dir)
    assert result.exit_code == 1
    assert "courses/thu-nghiem/course.yaml:" in result.output
    assert _counts(db) == (0, 0, 0, 0)


def test_bad_gift_in_a_quiz_blocks_the_whole_import(db, course_dir):
    (course_dir / "thu-nghiem" / "mot" / "questions.gift").write_text("::Q1:: Hỏng {=a ~b\n", encoding="utf-8")
    report = importer.read_courses(str(course_dir))
    assert any(e.file.endswith("questions.gift") and e.line == 1 for e in report.errors)


def test_prerequisite_must_be_an_earlier_module(db, course_dir):
    (course_dir / "thu-nghiem" / "mot" / "module.yaml").write_text(
        "title: Module một\nprerequisites: [hai]\nactivities:\n  - lesson: bai-1\n", encoding="utf-8")
    report = importer.read_courses(str(course_dir))
    assert any("tiên quyết" in e.message and e.line == 2 for e in report.errors)


def test_lesson_html_is_sanitized_even_if_it_reaches_the_renderer(db):
    from elearn.core.markdown import render

    html = render("Xin chào <img src=x onerror=alert(1)> [x](javascript:alert(1))")
    assert "<img" not in html and 'href="javascript' not in html  # shown as text, never as markup
    from elearn.core.sanitize import clean_html

    assert clean_html('<p onclick="x()">a<script>b</script></p>') == "<p>a</p>"


def test_reimport_keeps_activities_added_on_the_web(runner, db, course_dir, make_user):
    from elearn.courses import services

    assert _import(runner, course_dir).exit_code == 0
    module = db.session.scalar(select(Module).where(Module.slug == "mot"))
    material = services.new_material(module, "Văn bản Luật (PDF)")
    material.status = "published"
    db.session.commit()
    assert _import(runner, course_dir).exit_code == 0
    db.session.expire_all()
    assert db.session.get(Activity, material.id).status == "published"
