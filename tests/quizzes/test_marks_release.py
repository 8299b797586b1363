"""Grades stay hidden until the review options release them (issue 9, item 6). One rule,
quizzes.permissions.can_see_marks, checked here at every place that shows a grade."""
import json
import re
from datetime import timedelta

from sqlalchemy import select

from elearn.auth import services as accounts
from elearn.core.timeutil import utcnow
from elearn.courses.models import ActivityProgress
from elearn.progress.models import CourseProgress
from elearn.quizzes.models import DEFAULT_REVIEW, QuizAttempt
from elearn.quizzes.permissions import can_see_marks
from tests.quizzes.conftest import question_ids

AFTER_CLOSE = {"during": [], "immediately": ["responses"], "open": ["responses"], "closed": list(DEFAULT_REVIEW["closed"])}


def _take_quiz(client, quiz_setup, db):
    """The trainee answers TF and NUM right, MC wrong (2 of 5 marks = 40%) and submits, through the API."""
    _t, raw = accounts.create_token(quiz_setup["trainee"], "t")
    db.session.commit()
    bearer = {"Authorization": f"Bearer {raw}"}
    attempt = client.post(f"/api/v1/quizzes/{quiz_setup['activity'].id}/attempts", headers=bearer).json
    ids = question_ids(db)
    mc = next(q for q in attempt["questions"] if q["id"] == ids["MC"])
    wrong = next(c["id"] for c in mc["public"]["choices"] if c["text"] == "21/11/2019")
    resp = client.put(f"/api/v1/attempts/{attempt['id']}/answers", headers=bearer, json={
        "answers": {str(ids["TF"]): "true", str(ids["MC"]): wrong, str(ids["NUM"]): "52"}, "seq": 1})
    assert resp.status_code == 200, resp.json
    submitted = client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=bearer)
    assert submitted.status_code == 200
    return attempt["id"], bearer, submitted.json


def _marks_only_after_close(db, quiz_setup):
    quiz = quiz_setup["quiz"]
    quiz.review = AFTER_CLOSE
    quiz.close_at = utcnow() + timedelta(days=1)
    db.session.commit()


def _close(db, quiz_setup):
    quiz = quiz_setup["quiz"]
    quiz.close_at = utcnow() - timedelta(minutes=1)
    db.session.commit()


def _without_clock_times(page):
    """The page without its clock times: at 23:40 the quiz's dates contain "40" but no grade."""
    return re.sub(r"\b\d{1,2}:\d{2}\b", "", page)


def test_no_grade_anywhere_before_release_then_everywhere_after(client, auth, quiz_setup, db):
    _marks_only_after_close(db, quiz_setup)
    attempt_id, bearer, submitted = _take_quiz(client, quiz_setup, db)
    activity = quiz_setup["activity"]
    # the grade is computed and completion is recorded; only the number is held back
    db.session.expire_all()
    assert db.session.get(QuizAttempt, attempt_id).percent == 40.0
    assert db.session.scalar(select(ActivityProgress.grade).where(ActivityProgress.activity_id == activity.id)) == 40.0
    assert db.session.scalar(select(CourseProgress.grade)) == 40.0

    assert submitted["percent"] is None and submitted["marks"] is None  # API submit
    review = client.get(f"/api/v1/attempts/{attempt_id}/review", headers=bearer).json  # API review
    assert review["percent"] is None and review["marks"] is None and "marks" not in review["allowed"]
    assert all("mark" not in q for q in review["questions"])
    progress = client.get("/api/v1/me/progress", headers=bearer).json  # API progress
    assert [c["grade"] for c in progress["courses"]] == [None]

    auth.login(quiz_setup["trainee"].email)
    quiz_page = _without_clock_times(client.get(f"/quizzes/{activity.id}").get_data(as_text=True))
    assert "40" not in quiz_page and "Điểm của bạn" not in quiz_page and "Chưa đạt" not in quiz_page
    assert "Chưa công bố" in quiz_page
    review_page = _without_clock_times(client.get(f"/quizzes/attempt/{attempt_id}/review").get_data(as_text=True))
    assert "40" not in review_page and "2 / 5" not in review_page
    for path in ("/", f"/courses/{quiz_setup['course'].slug}"):  # dashboard, course page
        assert "40" not in _without_clock_times(client.get(path).get_data(as_text=True)), path

    _close(db, quiz_setup)  # released: the same places now show it
    assert "40%" in client.get(f"/quizzes/{activity.id}").get_data(as_text=True)
    assert "(40%)" in client.get(f"/quizzes/attempt/{attempt_id}/review").get_data(as_text=True)
    assert client.get(f"/api/v1/attempts/{attempt_id}/review", headers=bearer).json["percent"] == 40.0
    assert [c["grade"] for c in client.get("/api/v1/me/progress", headers=bearer).json["courses"]] == [40.0]


def test_staff_see_the_grade_before_release(client, auth, quiz_setup, db, make_user):
    _marks_only_after_close(db, quiz_setup)
    _take_quiz(client, quiz_setup, db)
    trainee = quiz_setup["trainee"]
    auth.login(quiz_setup["instructor"].email)
    page = client.get(f"/courses/{quiz_setup['course'].slug}/progress/{trainee.id}").get_data(as_text=True)
    assert "40" in page
    manager = make_user("manager", quiz_setup["org"])
    _t, raw = accounts.create_token(manager, "m")
    db.session.commit()
    body = client.get(f"/api/v1/users/{trainee.id}/progress", headers={"Authorization": f"Bearer {raw}"}).json
    assert [c["grade"] for c in body["courses"]] == [40.0]


def test_can_see_marks_follows_each_moment_of_the_review_options(quiz_setup, db):
    quiz, trainee = quiz_setup["quiz"], quiz_setup["trainee"]
    now = utcnow()
    a = QuizAttempt(quiz_id=quiz.activity_id, user_id=trainee.id, number=1, state="finished",
                    finished_at=now - timedelta(seconds=30), percent=40.0)
    quiz.review = {"during": [], "immediately": ["marks"], "open": [], "closed": ["marks"]}
    quiz.close_at = now + timedelta(hours=1)
    assert can_see_marks(trainee, quiz, a, now)  # immediately after
    assert not can_see_marks(trainee, quiz, a, now + timedelta(minutes=5))  # later, while open
    assert can_see_marks(trainee, quiz, a, now + timedelta(hours=2))  # after close
    assert not can_see_marks(trainee, quiz, attempts=[a], now=now + timedelta(minutes=5))
    assert can_see_marks(trainee, quiz, attempts=[a], now=now)
    assert not can_see_marks(trainee, quiz, attempts=[], now=now)  # nothing to show
    assert can_see_marks(trainee, quiz, a, now + timedelta(minutes=5), is_staff=True)
    assert can_see_marks(quiz_setup["instructor"], quiz, a, now + timedelta(minutes=5))  # not theirs: access checked by caller
    json.dumps(quiz.review)
