"""Honest sizes (`hours` against the content) and fair review (`review:` in module.yaml)."""
import json
from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import select

from elearn.core.timeutil import utcnow
from elearn.curriculum import reader as importer
from elearn.quizzes.course_files import QUESTION_MINUTES, REVIEW_PRESETS
from elearn.courses.models import Activity
from elearn.quizzes.models import DEFAULT_REVIEW, Quiz
from elearn.quizzes.services import review_allows


def _write_course_yaml(course_dir, hours, extra=""):
    (course_dir / "thu-nghiem" / "course.yaml").write_text(
        f"title: Khóa thử nghiệm\nsummary: Để kiểm thử.\nhours: {hours}\n{extra}modules:\n  - mot\n  - hai\n",
        encoding="utf-8")


def _write_quiz(course_dir, settings):
    (course_dir / "thu-nghiem" / "mot" / "module.yaml").write_text(
        "title: Module một\nactivities:\n  - lesson: bai-1\n  - quiz: kt-1\n    title: Kiểm tra 1\n"
        "    questions: questions.gift\n    pass_mark: 70\n" + settings, encoding="utf-8")


def _hours_warnings(report):
    return [w for w in report.warnings if w.file.endswith("course.yaml")]


# --- hours ------------------------------------------------------------------------------------------

def test_content_minutes_count_reading_quizzes_practice_and_workshops(course_dir):
    # bai-1: 1 min (word count), 2 questions x 1 min, bai-2: 3 min (front matter)
    report = importer.read_courses(str(course_dir))
    assert report.errors == []
    assert report.courses[0].content_minutes() == 6
    _write_course_yaml(course_dir, 2, "workshop_hours: 1.5\n")
    (course_dir / "thu-nghiem" / "hai" / "module.yaml").write_text(
        "title: Module hai\nprerequisites: [mot]\npractice_minutes: 30\nactivities:\n  - lesson: bai-2\n",
        encoding="utf-8")
    report = importer.read_courses(str(course_dir))
    assert report.errors == []
    assert report.courses[0].content_minutes() == 6 + 30 + 90


def test_essay_counts_as_writing_time(course_dir):
    (course_dir / "thu-nghiem" / "mot" / "questions.gift").write_text(
        "::Q1:: Luật có bao nhiêu điều? {#52}\n\n::E1:: Viết một kế hoạch ngắn. {}\n", encoding="utf-8")
    report = importer.read_courses(str(course_dir))
    assert report.courses[0].content_minutes() == 1 + 1 + QUESTION_MINUTES["essay"] + 3


def test_course_claiming_more_than_twice_its_content_gets_a_warning_and_still_imports(runner, db, course_dir):
    # 6 minutes of content: 12 minutes is the most that passes, 0.25 h = 15 min is too much.
    _write_course_yaml(course_dir, 0.25)
    report = importer.read_courses(str(course_dir))
    assert report.errors == []
    [warning] = _hours_warnings(report)
    assert "gấp đôi" in warning.message and warning.line == 3
    result = runner.invoke(args=["courses", "import", str(course_dir), "--json"])
    assert result.exit_code == 0
    assert any("gấp đôi" in w["message"] for w in json.loads(result.output)["warnings"])
    plain = runner.invoke(args=["courses", "import", str(course_dir)])
    assert "Cảnh báo: courses/thu-nghiem/course.yaml:3:" in plain.output


def test_course_within_its_content_gets_no_hours_warning(course_dir):
    _write_course_yaml(course_dir, 0.2)  # 12 minutes: exactly twice
    assert _hours_warnings(importer.read_courses(str(course_dir))) == []
    _write_course_yaml(course_dir, 0.1)  # 6 minutes: exactly the content
    assert _hours_warnings(importer.read_courses(str(course_dir))) == []


def test_course_claiming_less_than_its_content_gets_a_warning(course_dir):
    _write_course_yaml(course_dir, 0.05)  # 3 minutes for 6 minutes of content
    [warning] = _hours_warnings(importer.read_courses(str(course_dir)))
    assert "ít hơn" in warning.message


def test_bad_workshop_hours_and_practice_minutes_are_errors(course_dir):
    _write_course_yaml(course_dir, 2, "workshop_hours: nhiều\n")
    (course_dir / "thu-nghiem" / "hai" / "module.yaml").write_text(
        "title: Module hai\npractice_minutes: -5\nactivities:\n  - lesson: bai-2\n", encoding="utf-8")
    messages = [e.message for e in importer.read_courses(str(course_dir)).errors]
    assert any("workshop_hours" in m for m in messages)
    assert any("practice_minutes" in m for m in messages)


# --- review ------------------------------------------------------------------------------------------

def _quiz(db):
    activity = db.session.scalar(select(Activity).where(Activity.slug == "kt-1"))
    return db.session.get(Quiz, activity.id)


def test_review_after_close_is_written_to_the_quiz(runner, db, course_dir):
    _write_quiz(course_dir, "    attempts: 3\n    review: after_close\n")
    result = runner.invoke(args=["courses", "import", str(course_dir)])
    assert result.exit_code == 0, result.output
    quiz = _quiz(db)
    assert quiz.attempts_allowed == 3
    assert quiz.review == REVIEW_PRESETS["after_close"]
    for when in ("during", "immediately", "open"):
        assert not set(quiz.review[when]) & {"right_answer", "feedback"}
    assert "right_answer" in quiz.review["closed"]
    # Back to the default when the key goes: files are the source of the settings.
    _write_quiz(course_dir, "    attempts: 3\n")
    assert runner.invoke(args=["courses", "import", str(course_dir)]).exit_code == 0
    db.session.expire_all()
    assert _quiz(db).review == DEFAULT_REVIEW


def test_after_close_hides_right_answers_from_a_finished_attempt_until_the_quiz_closes(runner, db, course_dir):
    _write_quiz(course_dir, "    attempts: 3\n    review: after_close\n")
    assert runner.invoke(args=["courses", "import", str(course_dir)]).exit_code == 0
    quiz = _quiz(db)
    now = utcnow()
    attempt = SimpleNamespace(state="finished", finished_at=now - timedelta(seconds=5))
    for moment in (now, now + timedelta(days=3)):  # immediately after, and later while open
        allowed = review_allows(quiz, attempt, now=moment)
        assert "marks" in allowed
        assert not allowed & {"right_answer", "feedback"}
    quiz.close_at = now + timedelta(days=1)
    assert {"right_answer", "feedback"} <= review_allows(quiz, attempt, now=now + timedelta(days=2))


def test_review_can_be_a_matrix(db, course_dir):
    _write_quiz(course_dir, "    attempts: 1\n    review:\n      immediately: [marks]\n      closed: [marks, right_answer]\n")
    report = importer.read_courses(str(course_dir))
    assert report.errors == []
    quiz = report.courses[0].modules[0].activities[1]
    assert quiz.review == {"during": [], "immediately": ["marks"], "open": [], "closed": ["marks", "right_answer"]}


def test_unknown_review_is_an_error_with_its_line(runner, db, course_dir):
    _write_quiz(course_dir, "    review: always\n")
    report = importer.read_courses(str(course_dir))
    [error] = [e for e in report.errors if "review" in e.message]
    assert error.file == "courses/thu-nghiem/mot/module.yaml" and error.line == 8
    _write_quiz(course_dir, "    review:\n      sometimes: [marks]\n")
    assert any("review" in e.message for e in importer.read_courses(str(course_dir)).errors)
    _write_quiz(course_dir, "    review:\n      open: [everything]\n")
    assert any("review" in e.message for e in importer.read_courses(str(course_dir)).errors)


def test_full_review_with_retries_warns_that_answers_can_be_copied(course_dir):
    _write_quiz(course_dir, "    attempts: 0\n    review: full\n")
    report = importer.read_courses(str(course_dir))
    assert any("chép đáp án" in w.message and w.line == 9 for w in report.warnings)
    _write_quiz(course_dir, "    attempts: 1\n    review: full\n")  # no later attempt to copy into
    assert not any("chép đáp án" in w.message for w in importer.read_courses(str(course_dir)).warnings)
    _write_quiz(course_dir, "    attempts: 3\n    review: after_close\n")
    assert not any("chép đáp án" in w.message for w in importer.read_courses(str(course_dir)).warnings)
