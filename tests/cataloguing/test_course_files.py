"""Cataloguing exercises in module.yaml: read and checked by the curriculum importer through the kind,
errors named with file and line, and the shipped course's exercises wired in with working keys."""
import os

from sqlalchemy import select

from elearn.cataloguing.attempts import check, key_of
from elearn.cataloguing.models import CataloguingExercise
from elearn.courses.models import Activity
from elearn.curriculum.reader import read_courses
from tests.cataloguing.conftest import write_course
from tests.cataloguing.helpers import ROOT


def _module(root, text):
    path = root / "bien-muc-thu" / "mot" / "module.yaml"
    head = path.read_text(encoding="utf-8").split("  - cataloguing: bt\n")[0]
    path.write_text(head + text, encoding="utf-8")


def _errors(root):
    return [str(e) for e in read_courses(str(root)).errors]


def test_an_exercise_entry_is_read_with_its_settings(tmp_path):
    root = write_course(tmp_path / "courses", completion="graded", pass_mark=70, attempts=3, grading="last")
    report = read_courses(str(root))
    assert report.errors == []
    spec = report.courses[0].modules[0].activities[2]
    assert (spec.kind, spec.slug, spec.title, spec.completion) == ("cataloguing", "bt", "Sách của một tác giả", "graded")
    assert (spec.pass_mark, spec.attempts, spec.grading, spec.source) == (70, 3, "last", "bai-tap/mot.yaml")
    assert spec.options["lenient"] is True and spec.options["lessons"]["245"] == "nhan-de"
    assert spec.minutes_needed() == 15 and report.to_json()["courses"][0]["exercises"] == 1


def test_bad_entries_are_errors_with_the_file_and_line(tmp_path):
    root = write_course(tmp_path / "courses")
    _module(root, "  - cataloguing: bt\n    exercise: ../../ngoai.yaml\n")
    assert _errors(root) == ["courses/bien-muc-thu/mot/module.yaml:6: bài tập biên mục 'bt' cần 'exercise': "
                             "một tệp bài tập (.yaml) trong thư mục khóa học"]
    _module(root, "  - cataloguing: bt\n    exercise: ../bai-tap/mot.yaml\n    pass_mark: 120\n    mau: 1\n")
    errors = _errors(root)
    assert any("không biết khoá mau" in e for e in errors)
    assert "courses/bien-muc-thu/mot/module.yaml:7: 'pass_mark' phải từ 0 đến 100" in errors


def test_a_bad_completion_rule_or_a_missing_lesson_is_named(tmp_path):
    root = write_course(tmp_path / "courses", completion="viewed")
    assert any("'completion' của cataloguing phải là một trong: passed, graded, manual, none" in e for e in _errors(root))
    root = write_course(tmp_path / "khac")
    (root / "bien-muc-thu" / "mot" / "nhan-de.md").unlink()
    (root / "bien-muc-thu" / "mot" / "module.yaml").write_text(
        (root / "bien-muc-thu" / "mot" / "module.yaml").read_text(encoding="utf-8").replace("  - lesson: nhan-de\n", ""),
        encoding="utf-8")
    assert "khac/bien-muc-thu/bai-tap/mot.yaml: 'lessons' 245: không có bài học 'nhan-de' trong khóa học" in _errors(root)


def test_a_broken_key_is_an_import_error(tmp_path):
    root = write_course(tmp_path / "courses")
    (root / "bien-muc-thu" / "bai-tap" / "mot.mrk").write_text("=245 10$aThiếu dấu cách\n", encoding="utf-8")
    assert any(e.startswith("courses/bien-muc-thu/bai-tap/mot.yaml: khóa mot.mrk: Dòng 1") for e in _errors(root))


def test_the_shipped_course_has_its_exercises_each_key_scoring_one_against_itself(runner, db):
    result = runner.invoke(args=["courses", "import", os.path.join(ROOT, "courses", "nghiep-vu-bien-muc")])
    assert result.exit_code == 0, result.output
    acts = db.session.scalars(select(Activity).where(Activity.kind == "cataloguing")).all()
    assert len(acts) >= 6
    for act in acts:
        ex = db.session.get(CataloguingExercise, act.id)
        assert ex.item and ex.source.startswith("bai-tap/") and act.settings["completion"] == "passed"
        assert check(ex, ex.key_record).score == 1.0, act.slug
        assert key_of(ex).lessons, act.slug  # feedback links to the course's lessons
    # importing again changes nothing and keeps the rows
    again = runner.invoke(args=["courses", "import", "--json", os.path.join(ROOT, "courses", "nghiep-vu-bien-muc")])
    assert '"changes": 0' in again.output
