"""The pure grading arithmetic (elearn/quizzes/grading.py) and the quiz enums (elearn/quizzes/enums.py)."""
import ast
import pathlib
from types import SimpleNamespace as NS

import pytest

from elearn.quizzes import grading
from elearn.quizzes.enums import AttemptState, Correctness, GradingMethod, Overdue, ReviewItem, ReviewTime


def _attempt(number, percent, state="finished"):
    return NS(number=number, percent=percent, state=state)


ATTEMPTS = [_attempt(1, 40.0), _attempt(2, 90.0), _attempt(3, 60.0),
            _attempt(4, None),  # an essay still waiting for the grader
            _attempt(5, 100.0, "abandoned"), _attempt(6, None, "inprogress")]


@pytest.mark.parametrize("method, expected", [("highest", 90.0), ("average", 63.33), ("first", 40.0), ("last", 60.0)])
def test_quiz_grade_by_each_grading_method_counts_only_finished_graded_attempts(method, expected):
    assert grading.quiz_grade(NS(grading_method=method), ATTEMPTS) == expected
    assert grading.quiz_grade(NS(grading_method=GradingMethod(method)), list(reversed(ATTEMPTS))) == expected


def test_quiz_grade_is_none_without_a_graded_finished_attempt():
    assert grading.quiz_grade(NS(grading_method="highest"), []) is None
    assert grading.quiz_grade(NS(grading_method="highest"), [_attempt(1, None), _attempt(2, 80.0, "abandoned")]) is None


def test_marks_percentages_and_correctness():
    assert grading.answer_mark(1 / 3, 2.0) == 0.66667
    assert grading.attempt_percent(2.5, 3.0) == 83.33
    assert grading.attempt_percent(0.0, 0.0) == 0.0  # nothing to score: 0, not a division by zero
    assert grading.fraction_of(0.8, 2.0) == 0.4 and grading.fraction_of(1.0, 0.0) == 0.0
    assert grading.correctness(0.9999) is Correctness.RIGHT
    assert grading.correctness(0.5) is Correctness.PARTIAL
    assert grading.correctness(0.0) is Correctness.WRONG and grading.correctness(-0.5) is Correctness.WRONG


@pytest.mark.parametrize("raw, value", [("0,8", 0.8), ("0.8", 0.8), (" 1 ", 1.0), ("2", 2.0), ("", None), (None, None),
                                        ("abc", None), ("1,2,3", None), ("nan", None), ("inf", None)])
def test_parse_mark_reads_a_decimal_comma_and_refuses_what_is_not_a_finite_number(raw, value):
    assert grading.parse_mark(raw) == value


def test_grading_is_pure():
    """No database, no Flask: only the standard library and the quizzes' enums."""
    tree = ast.parse(pathlib.Path(grading.__file__).read_text(encoding="utf-8"))
    imported = {n.module if isinstance(n, ast.ImportFrom) else a.name
                for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
                for a in n.names}
    assert imported <= {"math", "enums"}, imported


def test_enum_members_are_their_stored_strings_and_carry_labels(app):
    assert AttemptState.FINISHED == "finished" and "inprogress" in AttemptState.values()
    assert {"during": 1}[ReviewTime.DURING] == 1  # dict keys stored as strings are found by the members
    assert ReviewItem.MARKS in {"marks", "feedback"}
    with app.test_request_context():
        assert str(AttemptState.ABANDONED.label) == "Không được tính"
        assert dict(GradingMethod.choices())["average"] == "Trung bình các lượt"
        assert [v for v, _label in Overdue.choices()] == ["autosubmit", "graceperiod", "autoabandon"]


def test_check_constraints_are_built_from_the_enums_as_the_migrations_wrote_them():
    """The CHECK constraints of the models say what revision 0003 says (no migration needed)."""
    migration = pathlib.Path(__file__).parents[2] / "migrations" / "versions" / "0003_quizzes.py"
    text = migration.read_text(encoding="utf-8")
    for sql in (GradingMethod.sql_in("grading_method"), Overdue.sql_in("overdue"), AttemptState.sql_in("state")):
        assert f'"{sql}"' in text, sql
