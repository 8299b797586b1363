"""Attempt integrity under real concurrent requests, deadlines and idempotency, through the API.
Runs on SQLite and on PostgreSQL (ELEARN_TEST_DATABASE_URL)."""
import json
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from elearn.auth import services as accounts
from elearn.core.timeutil import utcnow
from elearn.courses.models import ActivityProgress
from elearn.quizzes.models import AttemptAnswer, QuizAttempt
from tests.quizzes.conftest import question_ids


@pytest.fixture
def bearer(db, quiz_setup):
    _t, raw = accounts.create_token(quiz_setup["trainee"], "t")
    db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


def _concurrently(make_app, n, fn):
    """Run fn(client) in n threads at once, each with its own app (like separate workers)."""
    clients = [make_app().test_client() for _ in range(n)]
    barrier = threading.Barrier(n)
    results = [None] * n

    def run(i):
        barrier.wait()
        results[i] = fn(clients[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_simultaneous_starts_create_one_attempt(make_app, quiz_setup, bearer, db):
    url = f"/api/v1/quizzes/{quiz_setup['activity'].id}/attempts"
    results = _concurrently(make_app, 4, lambda c: c.post(url, headers=bearer))
    assert all(r.status_code == 201 for r in results), [r.get_data(as_text=True) for r in results]
    assert len({r.json["id"] for r in results}) == 1
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == 1


def test_simultaneous_submits_grade_once(make_app, client, quiz_setup, bearer, db):
    attempt = client.post(f"/api/v1/quizzes/{quiz_setup['activity'].id}/attempts", headers=bearer).json
    ids = question_ids(db)
    client.put(f"/api/v1/attempts/{attempt['id']}/answers", headers=bearer,
               json={"answers": {str(ids["NUM"]): "52"}, "seq": 1})
    results = _concurrently(make_app, 4, lambda c: c.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=bearer))
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 409, 409, 409], [r.get_data(as_text=True) for r in results]
    db.session.expire_all()
    progress = db.session.scalar(select(ActivityProgress).where(ActivityProgress.activity_id == quiz_setup["activity"].id))
    assert progress.attempts == 1
    assert db.session.scalar(select(QuizAttempt.marks)) == 1.0


def test_retried_save_and_submit_with_the_same_key_do_nothing_twice(client, quiz_setup, bearer, db):
    attempt = client.post(f"/api/v1/quizzes/{quiz_setup['activity'].id}/attempts", headers=bearer).json
    ids = question_ids(db)
    h = {**bearer, "Idempotency-Key": "save-0001"}
    first = client.put(f"/api/v1/attempts/{attempt['id']}/answers", headers=h,
                       json={"answers": {str(ids["NUM"]): "52"}, "seq": 1})
    again = client.put(f"/api/v1/attempts/{attempt['id']}/answers", headers=h,
                       json={"answers": {str(ids["NUM"]): "10"}, "seq": 2})
    assert first.status_code == again.status_code == 200 and first.json == again.json
    assert db.session.scalar(select(AttemptAnswer.response)) == "52"  # the retry changed nothing
    h2 = {**bearer, "Idempotency-Key": "submit-0001"}
    one = client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=h2)
    two = client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=h2)
    assert one.status_code == two.status_code == 200 and one.json == two.json
    three = client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=bearer)
    assert three.status_code == 409


def test_api_attempt_never_carries_keys(client, quiz_setup, bearer, db):
    attempt = client.post(f"/api/v1/quizzes/{quiz_setup['activity'].id}/attempts", headers=bearer).json
    blob = json.dumps(client.get(f"/api/v1/attempts/{attempt['id']}", headers=bearer).json, ensure_ascii=False)
    for secret in ("BI-MAT-DUNG", "BI-MAT-SAI", "Chính xác", "weight", "feedback", "fraction", "\"245\"", "tolerance"):
        assert secret not in blob, secret
    assert "01/7/2020" in blob  # the choices themselves are shown


def test_api_review_hides_what_the_options_hide(client, quiz_setup, bearer, db):
    quiz = quiz_setup["quiz"]
    quiz.review = {"during": [], "immediately": ["responses"], "open": [], "closed": []}
    db.session.commit()
    attempt = client.post(f"/api/v1/quizzes/{quiz_setup['activity'].id}/attempts", headers=bearer).json
    body = client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=bearer).json
    blob = json.dumps(body, ensure_ascii=False)
    assert body["percent"] is None and body["marks"] is None
    assert "right_answer" not in blob and "BI-MAT" not in blob and "\"state\": \"right\"" not in blob


def test_api_save_after_deadline_is_409(client, quiz_setup, bearer, db):
    quiz = quiz_setup["quiz"]
    quiz.time_limit, quiz.overdue, quiz.grace_seconds = 600, "graceperiod", 600
    db.session.commit()
    attempt = client.post(f"/api/v1/quizzes/{quiz_setup['activity'].id}/attempts", headers=bearer).json
    assert 0 < attempt["seconds_left"] <= 600
    db.session.get(QuizAttempt, attempt["id"]).deadline_at = utcnow() - timedelta(seconds=5)
    db.session.commit()
    ids = question_ids(db)
    resp = client.put(f"/api/v1/attempts/{attempt['id']}/answers", headers=bearer,
                      json={"answers": {str(ids["NUM"]): "52"}, "seq": 1})
    assert resp.status_code == 409 and resp.json["error"]["code"] == "conflict"
    assert db.session.scalar(select(func.count(AttemptAnswer.id))) == 0


def test_api_rejects_malformed_answers_with_422(client, quiz_setup, bearer, db):
    attempt = client.post(f"/api/v1/quizzes/{quiz_setup['activity'].id}/attempts", headers=bearer).json
    ids = question_ids(db)
    for answers in ({str(ids["MC"]): "khong-co"}, {"999999": "x"}, {str(ids["TF"]): {"a": 1}}):
        resp = client.put(f"/api/v1/attempts/{attempt['id']}/answers", headers=bearer, json={"answers": answers, "seq": 1})
        assert resp.status_code == 422, (answers, resp.get_data(as_text=True))
        assert "error" in resp.json
    assert client.put(f"/api/v1/attempts/{attempt['id']}/answers", headers=bearer, json={"x": 1}).status_code == 422
    for seq in (None, 0, -1, "2", 2**31, True):  # the sequence number is required, a positive integer
        body = {"answers": {str(ids["NUM"]): "52"}} | ({} if seq is None else {"seq": seq})
        resp = client.put(f"/api/v1/attempts/{attempt['id']}/answers", headers=bearer, json=body)
        assert resp.status_code == 422 and "error" in resp.json, (seq, resp.get_data(as_text=True))
    assert db.session.scalar(select(func.count(AttemptAnswer.id))) == 0
