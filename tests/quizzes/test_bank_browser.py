"""The question bank in the browser: list, preview, add and edit in a form, move, delete."""

import pytest
from sqlalchemy import func, select

from elearn.quizzes import types
from elearn.quizzes.models import Question, QuestionCategory, QuizSlot
from tests.quizzes.test_attempts import _start


def _base(quiz_setup):
    return f"/quizzes/bank/{quiz_setup['course'].slug}/questions"


def test_list_by_category_with_type_text_and_usage_and_preview(client, auth, quiz_setup, db):
    auth.login(quiz_setup["instructor"].email)
    html = client.get(_base(quiz_setup)).get_data(as_text=True)
    assert "thu-nghiem/mot" in html and "Luật Thư viện có bao nhiêu điều?" in html and "Tự luận" in html
    assert "1 bài kiểm tra · 0 lượt làm" in html
    mc = db.session.scalar(select(Question).where(Question.title == "MC"))
    page = client.get(f"{_base(quiz_setup)}/{mc.id}").get_data(as_text=True)
    assert "01/7/2020" in page and "BI-MAT-DUNG" in page  # staff see the key and feedback


def test_trainee_cannot_open_the_bank(client, auth, quiz_setup, db):
    auth.login(quiz_setup["trainee"].email)
    mc = db.session.scalar(select(Question).where(Question.title == "MC"))
    assert client.get(_base(quiz_setup)).status_code in (403, 404)
    assert client.get(f"{_base(quiz_setup)}/{mc.id}").status_code in (403, 404)


@pytest.mark.parametrize("qtype,fields,check", [
    ("multichoice", {"a-0-text": "Hà Nội", "a-0-weight": "100", "a-0-feedback": "Đúng", "a-1-text": "Huế"},
     lambda q: [(a["text"], a["weight"], a["feedback"]) for a in q.data["answers"]]
     == [("Hà Nội", 100.0, "Đúng"), ("Huế", 0.0, "")] and not q.data["multiple"]),
    ("truefalse", {"tf": "false", "tf_right_feedback": "Giỏi"},
     lambda q: types.to_gift(q.qtype, q.text, q.text_format, q.data, "").answers[1].weight == 100.0),
    ("shortanswer", {"a-0-text": "245", "a-1-text": "MARC 245"}, lambda q: len(q.data["answers"]) == 2),
    ("numerical", {"a-0-text": "52", "a-0-tolerance": "0,5"},
     lambda q: q.data["answers"][0]["value"] == 52.0 and q.data["answers"][0]["tolerance"] == 0.5),
    ("essay", {"grader_info": "Hai quyền bất kỳ."}, lambda q: q.data["grader_info"] == "Hai quyền bất kỳ."),
])
def test_add_a_question_in_a_form_without_gift(client, auth, quiz_setup, db, qtype, fields, check):
    auth.login(quiz_setup["instructor"].email)
    cat = db.session.scalar(select(QuestionCategory).where(QuestionCategory.path == "thu-nghiem/mot"))
    form = client.get(f"{_base(quiz_setup)}/new?type={qtype}").get_data(as_text=True)
    assert 'name="text"' in form
    resp = auth.post(f"{_base(quiz_setup)}/new", data={"qtype": qtype, "category_id": cat.id, "title": f"Mới {qtype}",
                                                       "text": "Câu hỏi viết trên web?", **fields})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    q = db.session.scalar(select(Question).where(Question.title == f"Mới {qtype}"))
    assert q.qtype == qtype and q.category_id == cat.id and check(q)


def test_a_bad_question_in_the_form_is_refused_with_a_message(client, auth, quiz_setup, db):
    auth.login(quiz_setup["instructor"].email)
    cat = db.session.scalar(select(QuestionCategory).where(QuestionCategory.path == "thu-nghiem/mot"))
    before = db.session.scalar(select(func.count(Question.id)))
    resp = auth.post(f"{_base(quiz_setup)}/new", data={"qtype": "multichoice", "category_id": cat.id,
                                                       "text": "Không có đáp án đúng?", "a-0-text": "x", "a-1-text": "y"})
    assert resp.status_code == 200 and "không có đáp án đúng" in resp.get_data(as_text=True)
    resp = auth.post(f"{_base(quiz_setup)}/new", data={"qtype": "numerical", "category_id": cat.id,
                                                       "text": "Bao nhiêu?", "a-0-text": "năm mươi"})
    assert resp.status_code == 200 and "phải là một số" in resp.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Question.id))) == before


def test_edit_a_question_stem_answers_and_feedback(client, auth, quiz_setup, db):
    auth.login(quiz_setup["instructor"].email)
    num = db.session.scalar(select(Question).where(Question.title == "NUM"))
    form = client.get(f"{_base(quiz_setup)}/{num.id}/edit").get_data(as_text=True)
    assert 'value="52"' in form
    resp = auth.post(f"{_base(quiz_setup)}/{num.id}/edit", data={
        "qtype": "numerical", "category_id": num.category_id, "title": "NUM", "text": "Luật có mấy chương?",
        "a-0-text": "6", "a-0-feedback": "Sáu chương", "general_feedback": "Xem mục lục."})
    assert resp.status_code == 302
    db.session.expire_all()
    num = db.session.get(Question, num.id)
    assert num.text == "Luật có mấy chương?" and num.data["answers"][0]["value"] == 6.0
    assert num.data["answers"][0]["feedback"] == "Sáu chương" and num.general_feedback == "Xem mục lục."


def test_move_questions_between_categories(client, auth, quiz_setup, db):
    from elearn.quizzes.bank import ensure_category

    other = ensure_category(quiz_setup["course"], "thu-nghiem/hai")
    db.session.commit()
    auth.login(quiz_setup["instructor"].email)
    ids = [q.id for q in db.session.scalars(select(Question).where(Question.title.in_(["TF", "MC"])))]
    auth.post(f"{_base(quiz_setup)}/move", page=_base(quiz_setup), data={"category_id": other.id, "question": ids})
    db.session.expire_all()
    assert {db.session.get(Question, i).category_id for i in ids} == {other.id}


def test_delete_asks_first_and_only_for_a_question_no_attempt_holds(client, auth, quiz_setup, db):
    auth.login(quiz_setup["instructor"].email)
    sa = db.session.scalar(select(Question).where(Question.title == "SA"))
    sa_id = sa.id
    confirm = client.get(f"{_base(quiz_setup)}/{sa.id}/delete").get_data(as_text=True)
    assert "Xoá câu hỏi" in confirm and "bỏ khỏi 1 bài kiểm tra" in confirm
    assert db.session.get(Question, sa.id) is not None  # a GET deletes nothing
    auth.post(f"{_base(quiz_setup)}/{sa.id}/delete", page=f"{_base(quiz_setup)}/{sa.id}/delete")
    db.session.expire_all()
    assert db.session.get(Question, sa_id) is None
    assert db.session.scalar(select(func.count(QuizSlot.id)).where(QuizSlot.question_id == sa_id)) == 0
    # a trainee starts an attempt: its questions can no longer be deleted
    from tests.conftest import AuthActions

    trainee = client.application.test_client()
    t_auth = AuthActions(trainee)
    t_auth.login(quiz_setup["trainee"].email)
    _start(trainee, t_auth, quiz_setup["activity"])
    tf = db.session.scalar(select(Question).where(Question.title == "TF"))
    resp = auth.post(f"{_base(quiz_setup)}/{tf.id}/delete", page=_base(quiz_setup))
    assert resp.status_code in (302, 303)
    assert db.session.get(Question, tf.id) is not None
    assert "1 lượt làm" in client.get(_base(quiz_setup)).get_data(as_text=True)
