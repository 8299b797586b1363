"""Replayed or late saves never overwrite newer answers (issue 9, item 7): every save carries a
sequence number; one not larger than the last accepted gets 409 and changes nothing."""
import random
import re

from sqlalchemy import select

from elearn.auth import services as accounts
from elearn.quizzes.models import AttemptAnswer, QuizAttempt
from tests.conftest import csrf_token
from tests.quizzes.conftest import question_ids

SEQ_RE = re.compile(r'name="seq" value="(\d+)"')


def _saved(db, qid):
    db.session.expire_all()
    return db.session.scalar(select(AttemptAnswer.response).where(AttemptAnswer.question_id == qid))


def _start_in_browser(client, auth, quiz_setup):
    auth.login(quiz_setup["trainee"].email)
    activity = quiz_setup["activity"]
    resp = auth.post(f"/quizzes/{activity.id}/start", page=f"/quizzes/{activity.id}")
    return int(re.search(r"/attempt/(\d+)", resp.headers["Location"]).group(1))


def test_a_replayed_autosave_is_refused_and_changes_nothing(client, auth, quiz_setup, db):
    attempt_id = _start_in_browser(client, auth, quiz_setup)
    ids = question_ids(db)
    page1 = f"/quizzes/attempt/{attempt_id}?page=1"
    html = client.get(page1).get_data(as_text=True)
    assert SEQ_RE.search(html).group(1) == "1"  # the page carries the next sequence number
    token = csrf_token(client, page1)
    url = f"/quizzes/attempt/{attempt_id}/autosave"
    old = {"csrf_token": token, "page": 1, "seq": 1, f"q{ids['NUM']}": "10"}
    new = {"csrf_token": token, "page": 1, "seq": 2, f"q{ids['NUM']}": "52"}
    assert client.post(url, data=old).status_code == 200
    resp = client.post(url, data=new)
    assert resp.status_code == 200 and resp.json == {"saved": 2, "seq": 2}
    for replay in (old, new):  # older, and the same one again
        resp = client.post(url, data=replay)
        assert resp.status_code == 409 and resp.json["error"]["code"] == "stale_save", resp.json
        assert "cũ hơn" in resp.json["error"]["message"]
    assert _saved(db, ids["NUM"]) == "52"
    assert db.session.get(QuizAttempt, attempt_id).save_seq == 2
    # a save without a number is refused too (the page always sends one)
    resp = client.post(url, data={"csrf_token": token, "page": 1, f"q{ids['NUM']}": "1"})
    assert resp.status_code == 422 and resp.json["error"]["code"] == "bad_seq"
    assert _saved(db, ids["NUM"]) == "52"
    # the page, reloaded, continues after the last accepted save
    assert SEQ_RE.search(client.get(page1).get_data(as_text=True)).group(1) == "3"


def test_the_form_without_javascript_still_saves_and_a_stale_tab_does_not(client, auth, quiz_setup, db):
    attempt_id = _start_in_browser(client, auth, quiz_setup)
    ids = question_ids(db)
    page1 = f"/quizzes/attempt/{attempt_id}?page=1"
    stale_seq = SEQ_RE.search(client.get(page1).get_data(as_text=True)).group(1)  # a second tab opened now
    # the first tab saves twice, as a browser without JavaScript does (seq from each rendered page)
    for answer in ("10", "52"):
        seq = SEQ_RE.search(client.get(page1).get_data(as_text=True)).group(1)
        resp = auth.post(f"/quizzes/attempt/{attempt_id}", page=page1,
                         data={"page": 1, "action": "next", "seq": seq, f"q{ids['NUM']}": answer})
        assert resp.status_code == 302 and "page=2" in resp.headers["Location"]
    assert _saved(db, ids["NUM"]) == "52"
    # the old tab's form is refused: the trainee stays on the page and sees why
    resp = auth.post(f"/quizzes/attempt/{attempt_id}", page=page1,
                     data={"page": 1, "action": "next", "seq": stale_seq, f"q{ids['NUM']}": "1"})
    assert resp.status_code == 302 and "page=1" in resp.headers["Location"]
    assert "cũ hơn câu trả lời đã lưu" in client.get(resp.headers["Location"]).get_data(as_text=True)
    assert _saved(db, ids["NUM"]) == "52"


def test_api_put_with_an_older_seq_is_409(client, quiz_setup, db):
    _t, raw = accounts.create_token(quiz_setup["trainee"], "t")
    db.session.commit()
    bearer = {"Authorization": f"Bearer {raw}"}
    attempt = client.post(f"/api/v1/quizzes/{quiz_setup['activity'].id}/attempts", headers=bearer).json
    assert attempt["save_seq"] == 0
    ids = question_ids(db)
    url = f"/api/v1/attempts/{attempt['id']}/answers"
    resp = client.put(url, headers=bearer, json={"answers": {str(ids["NUM"]): "52"}, "seq": 5})
    assert resp.status_code == 200 and resp.json == {"saved": 1, "seq": 5}
    for seq in (3, 5):
        resp = client.put(url, headers=bearer, json={"answers": {str(ids["NUM"]): "7"}, "seq": seq})
        assert resp.status_code == 409 and "cũ hơn" in resp.json["error"]["message"]
    assert _saved(db, ids["NUM"]) == "52"
    assert client.get(f"/api/v1/attempts/{attempt['id']}", headers=bearer).json["save_seq"] == 5
    assert client.put(url, headers=bearer, json={"answers": {str(ids["NUM"]): "51"}, "seq": 6}).status_code == 200
    assert _saved(db, ids["NUM"]) == "51"


def test_parallel_saves_in_any_order_leave_the_newest(live_server, quiz_setup, db):
    """20 saves of one attempt sent at once in shuffled order to gunicorn -w 2: whatever order they
    arrive in, the answer stored is the one with the highest number."""
    _t, raw = accounts.create_token(quiz_setup["trainee"], "t")
    db.session.commit()
    bearer = {"Authorization": f"Bearer {raw}"}
    ids = question_ids(db)
    attempt = live_server.post(f"/api/v1/quizzes/{quiz_setup['activity'].id}/attempts", headers=bearer).json
    url = f"/api/v1/attempts/{attempt['id']}/answers"
    for round_ in range(3):
        base = 100 * round_
        seqs = list(range(base + 1, base + 21))
        random.Random(round_).shuffle(seqs)
        results = live_server.parallel(len(seqs), lambda i, seqs=seqs: live_server.put(
            url, headers=bearer, json_body={"answers": {str(ids["NUM"]): str(seqs[i])}, "seq": seqs[i]}))
        assert {r.status_code for r in results} <= {200, 409}, [r.text[:200] for r in results]
        assert _saved(db, ids["NUM"]) == str(base + 20), round_
        assert db.session.get(QuizAttempt, attempt["id"]).save_seq == base + 20
    assert "Traceback" not in live_server.log()
