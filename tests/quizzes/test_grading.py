"""Essay grading: decimal comma, a refused mark keeps the comment, grading notes for the grader only."""
from sqlalchemy import select

from elearn.quizzes.models import AttemptAnswer, Question, Quiz
from tests.conftest import AuthActions
from tests.quizzes.conftest import question_ids
from tests.quizzes.test_attempts import _answer_page, _start

NOTES = "Cần nêu: đọc tại chỗ, mượn về, tra cứu trực tuyến."


def _finished_essay(client, auth, quiz_setup, db):
    ids = question_ids(db)
    essay = db.session.get(Question, ids["ESSAY"])
    essay.data = {**essay.data, "grader_info": NOTES}
    db.session.commit()
    auth.login(quiz_setup["trainee"].email)
    attempt_id = _start(client, auth, quiz_setup["activity"])
    _answer_page(auth, attempt_id, 0, {})
    _answer_page(auth, attempt_id, 1, {})
    _answer_page(auth, attempt_id, 2, {f"q{ids['ESSAY']}": "Đọc tại chỗ miễn phí."}, action="finish")
    auth.post(f"/quizzes/attempt/{attempt_id}/submit", page=f"/quizzes/attempt/{attempt_id}/summary")
    teacher = client.application.test_client()
    t_auth = AuthActions(teacher)
    t_auth.login(quiz_setup["instructor"].email)
    answer_id = db.session.scalar(select(AttemptAnswer.id).where(AttemptAnswer.question_id == ids["ESSAY"]))
    return attempt_id, answer_id, teacher, t_auth


def test_a_mark_with_a_decimal_comma_is_accepted(client, auth, quiz_setup, db):
    attempt_id, answer_id, teacher, t_auth = _finished_essay(client, auth, quiz_setup, db)
    url = f"/quizzes/{quiz_setup['activity'].id}/grading"
    resp = t_auth.post(url, data={"answer": answer_id, "mark": "0,8", "comment": "Khá"})
    assert resp.status_code == 302
    db.session.expire_all()
    answer = db.session.get(AttemptAnswer, answer_id)
    assert answer.mark == 0.8 and answer.comment == "Khá"


def test_a_refused_mark_keeps_the_graders_comment(client, auth, quiz_setup, db):
    attempt_id, answer_id, teacher, t_auth = _finished_essay(client, auth, quiz_setup, db)
    url = f"/quizzes/{quiz_setup['activity'].id}/grading"
    for bad in ("7", "abc", "0,8,1", "nan"):
        resp = t_auth.post(url, data={"answer": answer_id, "mark": bad, "comment": "Bài viết thiếu ý tra cứu."})
        html = resp.get_data(as_text=True)
        assert resp.status_code == 422, bad
        assert "Bài viết thiếu ý tra cứu.</textarea>" in html and "Điểm phải là một số từ 0 đến" in html
        assert f'value="{bad}"' in html
    db.session.expire_all()
    assert db.session.get(AttemptAnswer, answer_id).graded_at is None


def test_grading_notes_reach_the_grader_not_the_trainee_unless_review_says_so(client, auth, quiz_setup, db):
    attempt_id, answer_id, teacher, t_auth = _finished_essay(client, auth, quiz_setup, db)
    url = f"/quizzes/{quiz_setup['activity'].id}/grading"
    assert NOTES in teacher.get(url).get_data(as_text=True)
    t_auth.post(url, data={"answer": answer_id, "mark": "0,5", "comment": "Được"})
    review = client.get(f"/quizzes/attempt/{attempt_id}/review").get_data(as_text=True)
    assert "Được" in review and NOTES not in review  # the default review shows feedback, not the notes
    quiz = db.session.get(Quiz, quiz_setup["activity"].id)
    quiz.review = {**quiz.review, "immediately": quiz.review["immediately"] + ["grader_info"],
                   "open": quiz.review["open"] + ["grader_info"]}
    db.session.commit()
    assert NOTES in client.get(f"/quizzes/attempt/{attempt_id}/review").get_data(as_text=True)


def test_moodle_xml_graderinfo_becomes_the_essays_grading_notes():
    from elearn.quizzes import moodlexml, types

    xml = ('<quiz><question type="essay"><name><text>E</text></name><questiontext format="html">'
           '<text>Nêu hai quyền.</text></questiontext><graderinfo format="html"><text>Hai quyền bất kỳ.</text>'
           '</graderinfo></question></quiz>')
    q = moodlexml.parse(xml).questions[0]
    assert types.from_gift(q)[3]["grader_info"] == "Hai quyền bất kỳ."
