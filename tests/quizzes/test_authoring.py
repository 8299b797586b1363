"""Quiz settings and slots go through the services in elearn/quizzes/authoring.py: the manage page
parses the form, the service checks the rules (Vietnamese ServiceError), the page commits."""
from datetime import datetime

import pytest
from sqlalchemy import select

from elearn.core.errors import NotFound, ServiceError
from elearn.quizzes import authoring
from elearn.quizzes.models import DEFAULT_REVIEW, Question, QuestionCategory, Quiz, QuizSlot

SETTINGS = {"pass_mark": "75", "attempts_allowed": "3", "grading_method": "average", "time_limit_minutes": "30",
            "overdue": "graceperiod", "grace_minutes": "5", "open_at": "01/12/2026 08:00",
            "close_at": "20/12/2026 17:00", "per_page": "4", "shuffle_questions": "y",
            "review-immediately-responses": "1", "review-closed-marks": "1", "review-closed-right_answer": "1"}


def _manage(quiz_setup):
    return f"/quizzes/{quiz_setup['activity'].id}/manage"


def _slots(db, quiz_id):
    return db.session.execute(select(QuizSlot.position, QuizSlot.question_id, QuizSlot.category_id)
                              .where(QuizSlot.quiz_id == quiz_id).order_by(QuizSlot.position)).all()


def test_settings_page_saves_through_the_service(client, auth, quiz_setup, db):
    auth.login(quiz_setup["instructor"].email)
    resp = auth.post(_manage(quiz_setup), data=SETTINGS)
    assert resp.status_code == 302
    db.session.expire_all()
    quiz = db.session.get(Quiz, quiz_setup["activity"].id)
    assert (quiz.pass_mark, quiz.attempts_allowed, quiz.grading_method, quiz.time_limit) == (75.0, 3, "average", 1800)
    assert (quiz.overdue, quiz.grace_seconds, quiz.per_page) == ("graceperiod", 300, 4)
    assert quiz.shuffle_questions and not quiz.shuffle_answers
    assert quiz.open_at == datetime(2026, 12, 1, 1, 0) and quiz.close_at == datetime(2026, 12, 20, 10, 0)  # UTC
    assert quiz.review == {"during": [], "immediately": ["responses"], "open": [],
                           "closed": ["marks", "right_answer"]}
    page = client.get(_manage(quiz_setup)).get_data(as_text=True)
    assert 'name="review-closed-marks" value="1" aria-label="Sau khi bài đóng: Điểm" checked' in page


def test_settings_refused_by_the_service_show_on_the_field_and_change_nothing(client, auth, quiz_setup, db):
    auth.login(quiz_setup["instructor"].email)
    before = db.session.get(Quiz, quiz_setup["activity"].id)
    pass_mark, review = before.pass_mark, dict(before.review)
    resp = auth.post(_manage(quiz_setup), data={**SETTINGS, "close_at": "30/11/2026 08:00"})
    assert resp.status_code == 200 and "Thời điểm đóng phải sau thời điểm mở" in resp.get_data(as_text=True)
    db.session.expire_all()
    quiz = db.session.get(Quiz, quiz_setup["activity"].id)
    assert quiz.pass_mark == pass_mark and quiz.review == review and quiz.close_at is None


def test_the_settings_service_refuses_unknown_methods(quiz_setup, db):
    quiz = db.session.get(Quiz, quiz_setup["activity"].id)
    args = dict(pass_mark=50, attempts_allowed=0, grading_method="highest", time_limit=0, overdue="autosubmit",
                grace_seconds=0, open_at=None, close_at=None, per_page=1, shuffle_questions=False,
                shuffle_answers=False, review=DEFAULT_REVIEW)
    with pytest.raises(ServiceError) as err:
        authoring.update_settings(quiz, **{**args, "grading_method": "median"})
    assert err.value.field == "grading_method" and "Cách tính điểm" in err.value.message
    with pytest.raises(ServiceError) as err:
        authoring.update_settings(quiz, **{**args, "overdue": "never"})
    assert err.value.field == "overdue"
    authoring.update_settings(quiz, **{**args, "review": {"during": ["marks", "nonsense"], "later": ["marks"]}})
    assert quiz.review["during"] == ["marks"] and "later" not in quiz.review


def test_slots_add_draw_and_remove_through_the_service(client, auth, quiz_setup, db):
    auth.login(quiz_setup["instructor"].email)
    quiz_id = quiz_setup["activity"].id
    url = f"/quizzes/{quiz_id}/slots"
    before = _slots(db, quiz_id)
    tf = db.session.scalar(select(Question).where(Question.title == "TF"))
    cat = db.session.scalar(select(QuestionCategory).where(QuestionCategory.path == "thu-nghiem/mot"))
    assert auth.post(url, page=_manage(quiz_setup), data={"action": "add", "question": [tf.id]}).status_code == 302
    assert auth.post(url, page=_manage(quiz_setup),
                     data={"action": "random", "category": cat.id, "count": 2}).status_code == 302
    slots = _slots(db, quiz_id)
    assert slots[:len(before)] == before
    assert slots[len(before)][1] == tf.id
    assert [s[2] for s in slots[len(before) + 1:]] == [cat.id, cat.id]
    first = db.session.scalar(select(QuizSlot).where(QuizSlot.quiz_id == quiz_id, QuizSlot.position == 0))
    auth.post(url, page=_manage(quiz_setup), data={"action": "remove", "slot": first.id})
    db.session.expire_all()
    after = _slots(db, quiz_id)
    assert [s[0] for s in after] == list(range(len(slots) - 1))  # the places after it moved up
    assert [s[1:] for s in after] == [s[1:] for s in slots[1:]]


@pytest.mark.parametrize("data, message", [
    ({"action": "random", "category": "999999", "count": "1"}, "Hãy chọn một nhóm câu hỏi của khoá học."),
    ({"action": "random", "count": "0"}, "Hãy chọn một nhóm câu hỏi của khoá học."),
    ({"action": "random", "count": "51"}, "Số câu rút ngẫu nhiên phải từ 1 đến 50."),
    ({"action": "add"}, "Hãy chọn ít nhất một câu hỏi."),
    ({"action": "add", "question": "999999"}, "Không tìm thấy câu hỏi đã chọn trong ngân hàng của khoá học."),
    ({"action": "remove", "slot": "999999"}, "Câu hỏi này không còn trong bài kiểm tra."),
])
def test_bad_slot_changes_get_a_vietnamese_message_and_change_nothing(client, auth, quiz_setup, db, data, message):
    auth.login(quiz_setup["instructor"].email)
    quiz_id = quiz_setup["activity"].id
    if data.get("count") == "51":
        cat = db.session.scalar(select(QuestionCategory).where(QuestionCategory.path == "thu-nghiem/mot"))
        data = {**data, "category": cat.id}
    before = _slots(db, quiz_id)
    resp = auth.post(f"/quizzes/{quiz_id}/slots", page=_manage(quiz_setup), data=data, follow_redirects=True)
    assert resp.status_code == 200 and message in resp.get_data(as_text=True)
    db.session.expire_all()
    assert _slots(db, quiz_id) == before


def test_a_question_or_category_of_another_course_is_refused(quiz_setup, db):
    from elearn.courses.models import Course

    quiz = db.session.get(Quiz, quiz_setup["activity"].id)
    other = Course(slug="khac", title="Khoá khác", status="published")
    db.session.add(other)
    db.session.flush()
    cat = QuestionCategory(course_id=other.id, name="x", path="x")
    db.session.add(cat)
    db.session.flush()
    foreign = Question(course_id=other.id, category_id=cat.id, key="k", qtype="essay", text="?", data={})
    db.session.add(foreign)
    db.session.flush()
    with pytest.raises(NotFound):
        authoring.add_questions(quiz, quiz_setup["course"], [foreign.id])
    with pytest.raises(ServiceError):
        authoring.category_of(quiz_setup["course"], cat.id)
    assert all(s.question_id != foreign.id for s in quiz.slots)
