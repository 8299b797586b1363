"""Attempt integrity under REAL parallel requests against a running gunicorn with two workers
(tests/live.py), on the test database: SQLite, or PostgreSQL with ELEARN_TEST_DATABASE_URL."""
import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from elearn.auth import services as accounts
from elearn.quizzes.models import QuizAttempt
from tests.conftest import CSRF_RE

TRAINEES = 10
STARTS = 10  # simultaneous starts per trainee
ROUNDS = 4


def _trainees_with_tokens(db, make_user, org, n):
    out = []
    for i in range(n):
        user = make_user("trainee", org, email=f"song-song-{i}@example.vn")
        _t, raw = accounts.create_token(user, "song song")
        out.append((user, {"Authorization": f"Bearer {raw}"}))
    db.session.commit()
    return out


def _attempt_counts(db, quiz_id):
    db.session.expire_all()
    rows = db.session.execute(select(QuizAttempt.user_id, QuizAttempt.state, func.count())
                              .where(QuizAttempt.quiz_id == quiz_id)
                              .group_by(QuizAttempt.user_id, QuizAttempt.state)).all()
    return {(u, s): n for u, s, n in rows}


def test_parallel_starts_never_give_two_attempts_in_progress(live_server, db, quiz_setup, make_user):
    """10 trainees each press start 10 times at once; then they submit and do it again (the race
    is between one request's commit and another's checks, so a few rounds give it every chance)."""
    activity = quiz_setup["activity"]
    people = _trainees_with_tokens(db, make_user, quiz_setup["org"], TRAINEES)
    url = f"/api/v1/quizzes/{activity.id}/attempts"
    jobs = [h for _u, h in people for _ in range(STARTS)]
    for round_ in range(1, ROUNDS + 1):
        results = live_server.parallel(len(jobs), lambda i: live_server.post(url, headers=jobs[i]))
        assert {r.status_code for r in results} <= {201, 409}, \
            [r.text[:300] for r in results if r.status_code not in (201, 409)]
        counts = _attempt_counts(db, activity.id)
        for user, headers in people:
            assert counts.get((user.id, "inprogress"), 0) == 1, (round_, user.email, counts)
            ids = {r.json["id"] for r, h in zip(results, jobs) if h is headers and r.status_code == 201}
            assert len(ids) == 1, (round_, ids)  # every winner and loser was given the same attempt
            submitted = live_server.post(f"/api/v1/attempts/{ids.pop()}/submit", headers=headers)
            assert submitted.status_code == 200, submitted.text
        assert sum(n for (_u, s), n in _attempt_counts(db, activity.id).items() if s == "finished") \
            == TRAINEES * round_
    assert "Traceback" not in live_server.log()


def test_parallel_starts_never_exceed_the_attempts_allowed(live_server, db, quiz_setup, make_user):
    """Two attempts allowed: 10 trainees press start 10 times at once, submit, again, and a third
    time. Each has exactly 2 attempts, numbered 1 and 2 (never a third), and nobody gets a 500."""
    allowed = 2
    quiz, activity = quiz_setup["quiz"], quiz_setup["activity"]
    quiz.attempts_allowed = allowed
    db.session.commit()
    people = _trainees_with_tokens(db, make_user, quiz_setup["org"], TRAINEES)
    url = f"/api/v1/quizzes/{activity.id}/attempts"
    jobs = [h for _u, h in people for _ in range(STARTS)]
    for round_ in range(1, allowed + 2):
        results = live_server.parallel(len(jobs), lambda i: live_server.post(url, headers=jobs[i]))
        codes = {r.status_code for r in results}
        if round_ <= allowed:
            assert codes <= {201, 409}, [r.text[:300] for r in results if r.status_code not in (201, 409)]
        else:
            assert codes == {409}, codes  # all used up
        for _user, headers in people:
            ids = {r.json["id"] for r, h in zip(results, jobs) if h is headers and r.status_code == 201}
            for attempt_id in ids:
                live_server.post(f"/api/v1/attempts/{attempt_id}/submit", headers=headers)
    db.session.expire_all()
    rows = db.session.execute(select(QuizAttempt.user_id, QuizAttempt.number)
                              .where(QuizAttempt.quiz_id == activity.id)).all()
    for user, _h in people:
        assert sorted(n for u, n in rows if u == user.id) == [1, 2], (user.email, rows)
    assert "Traceback" not in live_server.log()


def test_parallel_starts_from_the_web_form(live_server, db, quiz_setup):
    """The no-JavaScript start button pressed many times at once (several tabs): one attempt."""
    trainee, activity = quiz_setup["trainee"], quiz_setup["activity"]
    email, start_url = trainee.email, f"/quizzes/{activity.id}/start"
    import http.cookiejar
    import urllib.request

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(live_server.url + "/login").read().decode()
    token = next(g for g in CSRF_RE.search(html).groups() if g)
    from urllib.parse import urlencode

    opener.open(live_server.url + "/login", urlencode({"email": email, "password": "mat-khau-dung-1",
                                                       "csrf_token": token}).encode())
    html = opener.open(f"{live_server.url}/quizzes/{activity.id}").read().decode()
    token = next(g for g in CSRF_RE.search(html).groups() if g)
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    results = live_server.parallel(8, lambda i: live_server.post(
        start_url, data={"csrf_token": token}, headers={"Cookie": cookie}))
    assert {r.status_code for r in results} == {302}, [r.text[:300] for r in results]
    targets = {r.headers["Location"] for r in results}
    assert len(targets) == 1 and re.search(r"/attempt/\d+", targets.pop())
    assert _attempt_counts(db, activity.id) == {(trainee.id, "inprogress"): 1}


def test_the_database_itself_refuses_a_second_attempt_in_progress(db, quiz_setup):
    """Not only a check in Python: the partial unique index stops a direct insert too."""
    quiz, trainee = quiz_setup["quiz"], quiz_setup["trainee"]
    db.session.add(QuizAttempt(quiz_id=quiz.activity_id, user_id=trainee.id, number=1, layout={}))
    db.session.commit()
    db.session.add(QuizAttempt(quiz_id=quiz.activity_id, user_id=trainee.id, number=2, layout={}))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    # a finished attempt beside the one in progress is fine
    db.session.add(QuizAttempt(quiz_id=quiz.activity_id, user_id=trainee.id, number=2, layout={}, state="finished"))
    db.session.commit()
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == 2
