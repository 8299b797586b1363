"""Taking a quiz in the browser (no JavaScript needed), grading, review and progress."""
import re
from datetime import timedelta

from sqlalchemy import func, select

from elearn.core.timeutil import utcnow
from elearn.courses.models import ActivityProgress
from elearn.quizzes.models import AttemptAnswer, QuizAttempt
from tests.quizzes.conftest import question_ids


def _start(client, auth, activity):
    resp = auth.post(f"/quizzes/{activity.id}/start", page=f"/quizzes/{activity.id}")
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    return int(re.search(r"/attempt/(\d+)", resp.headers["Location"]).group(1))


SEQ_RE = re.compile(r'name="seq" value="(\d+)"')


def _answer_page(auth, attempt_id, page, data, action="next"):
    """Post the attempt page's form as a browser without JavaScript does (with its hidden seq)."""
    url = f"/quizzes/attempt/{attempt_id}?page={page}"
    m = SEQ_RE.search(auth.client.get(url).get_data(as_text=True))
    return auth.post(f"/quizzes/attempt/{attempt_id}", page=url,
                     data={"page": page, "action": action, "seq": m.group(1) if m else "1", **data})


def test_trainee_takes_the_quiz_without_javascript(client, auth, quiz_setup, db):
    auth.login(quiz_setup["trainee"].email)
    ids = question_ids(db)
    attempt_id = _start(client, auth, quiz_setup["activity"])
    page0 = client.get(f"/quizzes/attempt/{attempt_id}").get_data(as_text=True)
    assert "Câu 1" in page0 and "Câu 2" in page0 and "Câu 3" not in page0  # two a page
    assert len(page0.encode()) < 50 * 1024
    mc = db.session.get(QuizAttempt, attempt_id)
    right_mc = next(c for c in __import__("elearn.quizzes.types", fromlist=["x"]).get_type("multichoice")
                    .public("", db.session.get(__import__("elearn.quizzes.models", fromlist=["Question"]).Question,
                                               ids["MC"]).data, mc.layout["q"][str(ids["MC"])]["layout"])["choices"]
                    if c["text"] == "01/7/2020")
    _answer_page(auth, attempt_id, 0, {f"q{ids['TF']}": "true", f"q{ids['MC']}": right_mc["id"]})
    _answer_page(auth, attempt_id, 1, {f"q{ids['NUM']}": "52", f"q{ids['SA']}": "245"})
    _answer_page(auth, attempt_id, 2, {f"q{ids['ESSAY']}": "Đọc tại chỗ miễn phí; mượn tài liệu."}, action="finish")
    summary = client.get(f"/quizzes/attempt/{attempt_id}/summary").get_data(as_text=True)
    assert "Chưa trả lời" not in summary
    resp = auth.post(f"/quizzes/attempt/{attempt_id}/submit", page=f"/quizzes/attempt/{attempt_id}/summary")
    assert resp.status_code == 302 and "/review" in resp.headers["Location"]
    db.session.expire_all()
    attempt = db.session.get(QuizAttempt, attempt_id)
    assert attempt.state == "finished" and attempt.marks == 4.0 and attempt.needs_grading
    review = client.get(f"/quizzes/attempt/{attempt_id}/review").get_data(as_text=True)
    assert "chờ giảng viên chấm" in review
    # The instructor grades the essay; the attempt is complete and the trainee passes.
    from tests.conftest import AuthActions

    teacher = client.application.test_client()
    t_auth = AuthActions(teacher)
    t_auth.login(quiz_setup["instructor"].email)
    queue = teacher.get(f"/quizzes/{quiz_setup['activity'].id}/grading").get_data(as_text=True)
    assert "Đọc tại chỗ miễn phí" in queue
    answer_id = db.session.scalar(select(AttemptAnswer.id).where(AttemptAnswer.question_id == ids["ESSAY"]))
    t_auth.post(f"/quizzes/{quiz_setup['activity'].id}/grading",
                data={"answer": answer_id, "mark": "0.5", "comment": "Cần nêu thêm quyền tra cứu."})
    db.session.expire_all()
    attempt = db.session.get(QuizAttempt, attempt_id)
    assert attempt.percent == 90.0 and not attempt.needs_grading
    progress = db.session.scalar(select(ActivityProgress).where(ActivityProgress.activity_id == quiz_setup["activity"].id))
    assert progress.state == "complete" and progress.grade == 90.0
    assert "Cần nêu thêm quyền tra cứu" in client.get(f"/quizzes/attempt/{attempt_id}/review").get_data(as_text=True)


def test_attempt_page_leaks_no_key_or_feedback(client, auth, quiz_setup, db):
    auth.login(quiz_setup["trainee"].email)
    attempt_id = _start(client, auth, quiz_setup["activity"])
    html = "".join(client.get(f"/quizzes/attempt/{attempt_id}?page={p}").get_data(as_text=True) for p in range(3))
    for secret in ("BI-MAT-DUNG", "BI-MAT-SAI", "Chính xác", "Sai rồi", "%50%", "52:0", "weight", "feedback",
                   "245", "24*"):
        assert secret not in html, secret


def test_review_follows_review_options(client, auth, quiz_setup, db):
    quiz = quiz_setup["quiz"]
    quiz.review = {"during": [], "immediately": [], "open": [], "closed": []}
    db.session.commit()
    auth.login(quiz_setup["trainee"].email)
    attempt_id = _start(client, auth, quiz_setup["activity"])
    auth.post(f"/quizzes/attempt/{attempt_id}/submit", page=f"/quizzes/attempt/{attempt_id}/summary")
    html = client.get(f"/quizzes/attempt/{attempt_id}/review").get_data(as_text=True)
    assert "BI-MAT-DUNG" not in html and "Đáp án đúng" not in html and "01/7/2020" not in html
    assert "Chi tiết bài làm sẽ được hiển thị" in html
    quiz.review = {"during": [], "immediately": ["responses", "correctness", "marks", "feedback", "right_answer"],
                   "open": [], "closed": []}
    db.session.commit()
    html = client.get(f"/quizzes/attempt/{attempt_id}/review").get_data(as_text=True)
    assert "Đáp án đúng" in html and "01/7/2020" in html


def test_answers_after_the_deadline_are_rejected(client, auth, quiz_setup, db):
    quiz = quiz_setup["quiz"]
    quiz.time_limit, quiz.overdue, quiz.grace_seconds = 600, "graceperiod", 300
    db.session.commit()
    auth.login(quiz_setup["trainee"].email)
    ids = question_ids(db)
    attempt_id = _start(client, auth, quiz_setup["activity"])
    _answer_page(auth, attempt_id, 1, {f"q{ids['NUM']}": "52"})
    attempt = db.session.get(QuizAttempt, attempt_id)
    attempt.deadline_at = utcnow() - timedelta(seconds=30)  # time is up, grace still running
    db.session.commit()
    resp = _answer_page(auth, attempt_id, 1, {f"q{ids['NUM']}": "53", f"q{ids['SA']}": "245"})
    follow = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Đã hết giờ" in follow
    saved = {a.question_id: a.response for a in db.session.scalars(select(AttemptAnswer))}
    assert saved.get(ids["NUM"]) == "52" and saved.get(ids["SA"]) is None  # the late answers were not stored
    # Within the grace period the attempt can still be submitted with what was saved.
    auth.post(f"/quizzes/attempt/{attempt_id}/submit", page=f"/quizzes/attempt/{attempt_id}/summary")
    db.session.expire_all()
    assert db.session.get(QuizAttempt, attempt_id).state == "finished"


def test_autoabandon_after_the_deadline(client, auth, quiz_setup, db):
    quiz = quiz_setup["quiz"]
    quiz.time_limit, quiz.overdue = 600, "autoabandon"
    db.session.commit()
    auth.login(quiz_setup["trainee"].email)
    attempt_id = _start(client, auth, quiz_setup["activity"])
    db.session.get(QuizAttempt, attempt_id).deadline_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    client.get(f"/quizzes/{quiz_setup['activity'].id}")
    db.session.expire_all()
    assert db.session.get(QuizAttempt, attempt_id).state == "abandoned"


def test_close_overdue_grades_what_was_saved(runner, client, auth, quiz_setup, db):
    quiz = quiz_setup["quiz"]
    quiz.time_limit, quiz.overdue = 600, "autosubmit"
    db.session.commit()
    auth.login(quiz_setup["trainee"].email)
    ids = question_ids(db)
    attempt_id = _start(client, auth, quiz_setup["activity"])
    _answer_page(auth, attempt_id, 1, {f"q{ids['NUM']}": "52"})
    db.session.get(QuizAttempt, attempt_id).deadline_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    result = runner.invoke(args=["quizzes", "close-overdue"])
    assert "Đã đóng 1" in result.output
    db.session.expire_all()
    attempt = db.session.get(QuizAttempt, attempt_id)
    assert attempt.state == "finished" and attempt.marks == 1.0
    assert "Đã đóng 0" in runner.invoke(args=["quizzes", "close-overdue"]).output


def test_attempts_allowed_is_enforced(client, auth, quiz_setup, db):
    quiz_setup["quiz"].attempts_allowed = 1
    db.session.commit()
    auth.login(quiz_setup["trainee"].email)
    attempt_id = _start(client, auth, quiz_setup["activity"])
    auth.post(f"/quizzes/attempt/{attempt_id}/submit", page=f"/quizzes/attempt/{attempt_id}/summary")
    resp = auth.post(f"/quizzes/{quiz_setup['activity'].id}/start", page=f"/quizzes/{quiz_setup['activity'].id}")
    assert "hết 1 lượt" in client.get(resp.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == 1


def test_another_users_attempt_is_404(client, auth, quiz_setup, db, make_user, make_app):
    from tests.conftest import AuthActions

    auth.login(quiz_setup["trainee"].email)
    attempt_id = _start(client, auth, quiz_setup["activity"])
    other = make_app().test_client()
    AuthActions(other).login(make_user("trainee", quiz_setup["org"]).email)
    assert other.get(f"/quizzes/attempt/{attempt_id}").status_code == 404
    assert other.get(f"/quizzes/attempt/{attempt_id}/review").status_code == 404


def test_overview_and_item_analysis(client, auth, quiz_setup, db, make_user, make_app):
    from elearn.quizzes import services
    from elearn.quizzes.models import Quiz

    quiz = db.session.get(Quiz, quiz_setup["activity"].id)
    ids = question_ids(db)
    for i, num in enumerate(["52", "52", "10", "10"]):
        user = make_user("trainee", quiz_setup["org"])
        attempt = services.start_attempt(user, quiz)
        services.save_responses(attempt, quiz, {ids["NUM"]: num, ids["TF"]: "true" if i < 2 else "false"})
        services.submit(attempt, quiz)
        db.session.commit()
    auth.login(quiz_setup["instructor"].email)
    html = client.get(f"/quizzes/{quiz_setup['activity'].id}/results").get_data(as_text=True)
    assert "Thống kê câu hỏi" in html
    from elearn.quizzes.stats import item_analysis

    stats = item_analysis(quiz)
    assert stats == {} or all(v["attempts"] == 4 for v in stats.values())
