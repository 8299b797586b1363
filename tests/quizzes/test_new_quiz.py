"""Creating a quiz in a module from the manage page, then picking its questions."""
from datetime import datetime

from sqlalchemy import func, select

from elearn.courses.models import Activity, Module
from elearn.quizzes.models import Question, QuestionCategory, Quiz, QuizSlot


def _url(quiz_setup, db):
    module = db.session.scalar(select(Module).where(Module.slug == "mot"))
    return f"/quizzes/new/{quiz_setup['course'].slug}/{module.id}", module


def test_instructor_creates_a_quiz_with_settings_then_picks_questions(client, auth, quiz_setup, db):
    auth.login(quiz_setup["instructor"].email)
    url, module = _url(quiz_setup, db)
    outline = client.get(f"/courses/{quiz_setup['course'].slug}/manage").get_data(as_text=True)
    assert url in outline  # "Thêm bài kiểm tra" on each module
    assert f'/quizzes/{quiz_setup["activity"].id}/manage' in outline  # quiz rows link to their settings
    form = client.get(url).get_data(as_text=True)
    assert 'name="review-immediately-marks" value="1" aria-label' in form
    resp = auth.post(url, data={"title": "Kiểm tra cuối module", "pass_mark": "70", "attempts_allowed": "2",
                                "time_limit_minutes": "20", "open_at": "05/12/2026 08:00",
                                "close_at": "12/12/2026 17:30", "review-immediately-marks": "1",
                                "review-closed-right_answer": "1"})
    assert resp.status_code == 302
    activity = db.session.scalar(select(Activity).where(Activity.title == "Kiểm tra cuối module"))
    assert activity.kind == "quiz" and activity.module_id == module.id and activity.status == "draft"
    assert resp.headers["Location"].endswith(f"/quizzes/{activity.id}/manage")
    quiz = db.session.get(Quiz, activity.id)
    assert (quiz.pass_mark, quiz.attempts_allowed, quiz.time_limit) == (70.0, 2, 1200)
    assert quiz.open_at == datetime(2026, 12, 5, 1, 0) and quiz.close_at == datetime(2026, 12, 12, 10, 30)  # UTC
    assert quiz.review["immediately"] == ["marks"] and quiz.review["closed"] == ["right_answer"]
    settings = client.get(f"/quizzes/{activity.id}/manage").get_data(as_text=True)
    assert 'value="05/12/2026 08:00"' in settings
    # fixed questions, then one drawn at random from a category
    tf = db.session.scalar(select(Question).where(Question.title == "TF"))
    cat = db.session.scalar(select(QuestionCategory).where(QuestionCategory.path == "thu-nghiem/mot"))
    auth.post(f"/quizzes/{activity.id}/slots", page=f"/quizzes/{activity.id}/manage",
              data={"action": "add", "question": [tf.id]})
    auth.post(f"/quizzes/{activity.id}/slots", page=f"/quizzes/{activity.id}/manage",
              data={"action": "random", "category": cat.id, "count": 2})
    slots = db.session.scalars(select(QuizSlot).where(QuizSlot.quiz_id == activity.id)
                               .order_by(QuizSlot.position)).all()
    assert slots[0].question_id == tf.id and len(slots) >= 2 and slots[1].category_id == cat.id


def test_a_bad_time_or_close_before_open_is_refused_and_nothing_is_written(client, auth, quiz_setup, db):
    auth.login(quiz_setup["instructor"].email)
    url, _module = _url(quiz_setup, db)
    before = db.session.scalar(select(func.count(Activity.id)))
    bad = auth.post(url, data={"title": "KT", "pass_mark": "50", "attempts_allowed": "0", "time_limit_minutes": "0",
                               "open_at": "2026-12-05 08:00"})
    assert bad.status_code == 200 and "ngày/tháng/năm giờ:phút" in bad.get_data(as_text=True)
    bad = auth.post(url, data={"title": "KT", "pass_mark": "50", "attempts_allowed": "0", "time_limit_minutes": "0",
                               "open_at": "05/12/2026 08:00", "close_at": "01/12/2026 08:00"})
    assert "Thời điểm đóng phải sau thời điểm mở" in bad.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Activity.id))) == before


def test_a_trainee_cannot_create_a_quiz(client, auth, quiz_setup, db):
    auth.login(quiz_setup["trainee"].email)
    url, _module = _url(quiz_setup, db)
    assert client.get(url).status_code in (403, 404)
    auth.post(url, data={"title": "KT", "pass_mark": "50", "attempts_allowed": "0", "time_limit_minutes": "0"})
    assert db.session.scalar(select(Activity).where(Activity.title == "KT")) is None
