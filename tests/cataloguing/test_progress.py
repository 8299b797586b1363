"""Grades feed progress like a quiz: completion of a cataloguing exercise under each rule (passed,
graded, manual, none), best or last attempt, and the kind's facts for a batch of trainees."""
import pytest
from sqlalchemy import select

from elearn.cataloguing.kind import CATALOGUING, Facts
from elearn.courses import kinds
from elearn.courses.models import ActivityProgress
from elearn.progress import services as progress
from elearn.progress.models import CourseProgress, ModuleProgress
from tests.cataloguing.conftest import EXERCISE_KEY, import_course, submit_mrk
from tests.cataloguing.helpers import replace_line

# A record that scores well under the pass mark: only the leader, 008 and 245 of the key.
POOR = "\n".join(line for line in EXERCISE_KEY.splitlines() if line[:4] in ("=LDR", "=008", "=245")) + "\n"


def _row(db, user, act):
    db.session.expire_all()
    return db.session.scalar(select(ActivityProgress).where(ActivityProgress.user_id == user.id,
                                                            ActivityProgress.activity_id == act.id))


def _setup(tmp_path, runner, db, make_org, make_user, client, auth, **options):
    s = import_course(tmp_path, runner, db, make_org, make_user, **options)
    auth.login("mai@example.vn")
    return s


def test_the_kind_is_registered_with_its_rules_and_import_key():
    kind = kinds.get("cataloguing")
    assert kind is CATALOGUING and kinds.importable()["cataloguing"] is kind
    assert kind.rules == ("passed", "graded", "manual", "none") and kind.default_rule == "passed"


def test_passed_completes_at_the_first_attempt_that_reaches_the_pass_mark(tmp_path, runner, db, make_org, make_user,
                                                                           client, auth):
    s = _setup(tmp_path, runner, db, make_org, make_user, client, auth)
    user, act = s["trainee"], s["act"]
    submit_mrk(client, act, POOR)
    row = _row(db, user, act)
    assert row.state == "started" and row.attempts == 1 and row.grade < 80
    submit_mrk(client, act, EXERCISE_KEY)
    row = _row(db, user, act)
    assert row.state == "complete" and row.grade == 100 and row.attempts == 2 and row.completed_at is not None
    # a later poorer attempt keeps the best grade and the completion
    submit_mrk(client, act, POOR)
    row = _row(db, user, act)
    assert row.state == "complete" and row.grade == 100 and row.attempts == 3


def test_graded_completes_at_the_first_submission_whatever_the_score(tmp_path, runner, db, make_org, make_user,
                                                                       client, auth):
    s = _setup(tmp_path, runner, db, make_org, make_user, client, auth, completion="graded")
    submit_mrk(client, s["act"], "=245  10$aChỉ có nhan đề", action="save")
    row = _row(db, s["trainee"], s["act"])
    assert row is not None and row.state == "started" and row.attempts == 0  # a draft is a start, not a grade
    submit_mrk(client, s["act"], POOR)
    row = _row(db, s["trainee"], s["act"])
    assert row.state == "complete" and row.grade < 80


def test_last_grading_follows_the_last_attempt(tmp_path, runner, db, make_org, make_user, client, auth):
    s = _setup(tmp_path, runner, db, make_org, make_user, client, auth, grading="last")
    submit_mrk(client, s["act"], EXERCISE_KEY)
    submit_mrk(client, s["act"], POOR)
    row = _row(db, s["trainee"], s["act"])
    assert row.grade < 80 and row.state == "complete"  # completed when it passed; the grade is the last one


@pytest.mark.parametrize("rule", ["manual", "none"])
def test_manual_and_none_do_not_complete_on_a_pass(tmp_path, runner, db, make_org, make_user, client, auth, rule):
    s = _setup(tmp_path, runner, db, make_org, make_user, client, auth, completion=rule)
    submit_mrk(client, s["act"], EXERCISE_KEY)
    row = _row(db, s["trainee"], s["act"])
    assert row.state == "started" and row.grade == 100
    if rule == "manual":
        progress.mark_manual(s["trainee"], s["act"])
        db.session.commit()
        assert _row(db, s["trainee"], s["act"]).state == "complete"
    else:  # not required: the module completes without it, once its lessons are read
        from elearn.courses import services as courses

        for slug in ("bai-hoc", "nhan-de"):
            courses.record_view(s["trainee"], s["acts"][slug])
        db.session.commit()
        assert db.session.scalar(select(ModuleProgress.state)) == "complete"


def test_the_course_completes_with_the_exercise_passed(tmp_path, runner, db, make_org, make_user, client, auth):
    from elearn.courses import services as courses

    s = _setup(tmp_path, runner, db, make_org, make_user, client, auth)
    for slug in ("bai-hoc", "nhan-de"):
        courses.record_view(s["trainee"], s["acts"][slug])
    db.session.commit()
    submit_mrk(client, s["act"], replace_line(EXERCISE_KEY, "=300", "=300  \\\\$a356 tr. ;$c20 cm."))
    db.session.expire_all()
    course = db.session.scalar(select(CourseProgress))
    assert course.state == "complete" and course.percent == 100
    # rebuilding from the raw facts gives the same rows
    progress.rebuild(s["course"])
    db.session.commit()
    assert _row(db, s["trainee"], s["act"]).state == "complete"
    assert CATALOGUING.fact_users(s["course"].id) == {s["trainee"].id}


def test_outcome_is_a_pure_function_of_the_facts():
    from datetime import datetime

    t = [datetime(2026, 11, 30, 8, i) for i in range(4)]
    fact = Facts(pass_mark=80, grading="best", submitted=[(t[1], 50.0), (t[2], 85.0), (t[3], 40.0)], times=t)
    passed = CATALOGUING.outcome(None, "passed", fact)
    assert (passed.grade, passed.attempts, passed.completed_at) == (85.0, 3, t[2])
    assert CATALOGUING.outcome(None, "graded", fact).completed_at == t[1]
    assert CATALOGUING.outcome(None, "none", fact).completed_at is None
    last = CATALOGUING.outcome(None, "passed", Facts(80, "last", fact.submitted, t))
    assert last.grade == 40.0 and last.completed_at == t[2]
    assert CATALOGUING.outcome(None, "passed", None).grade is None


def test_facts_for_a_batch_take_two_queries(tmp_path, runner, db, make_org, make_user, client, auth, count_queries):
    s = _setup(tmp_path, runner, db, make_org, make_user, client, auth)
    submit_mrk(client, s["act"], EXERCISE_KEY)
    users = [s["trainee"].id, s["other"].id, s["instructor"].id]
    with count_queries() as n:
        facts = CATALOGUING.facts(users, [s["act"]])
    assert n() == 2
    assert set(facts) == {(s["trainee"].id, s["act"].id)} and facts[(s["trainee"].id, s["act"].id)].submitted[0][1] == 100
