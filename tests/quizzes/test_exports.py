"""Results, item statistics and course progress to CSV (BOM, formulas neutralised) and XLSX (text cells)."""
import csv
import io

from openpyxl import load_workbook
from sqlalchemy import select

from elearn.core.exports import neutralise
from elearn.quizzes import stats
from elearn.quizzes.models import QuizAttempt
from tests.conftest import AuthActions
from tests.quizzes.test_attempts import _answer_page, _start


def _finish(app, user, activity, answers=None):
    c = app.test_client()
    a = AuthActions(c)
    a.login(user.email)
    attempt_id = _start(c, a, activity)
    for page in range(3):
        _answer_page(a, attempt_id, page, answers or {}, action="finish" if page == 2 else "next")
    a.post(f"/quizzes/attempt/{attempt_id}/submit", page=f"/quizzes/attempt/{attempt_id}/summary")
    return attempt_id


def _teacher(client, quiz_setup):
    t = client.application.test_client()
    AuthActions(t).login(quiz_setup["instructor"].email)
    return t


def test_neutralise_formula_cells():
    assert [neutralise(v) for v in ("=1+1", "+84", "-x", "@SUM(A1)", "ok", 5, -3.5)] == \
        ["'=1+1", "'+84", "'-x", "'@SUM(A1)", "ok", 5, -3.5]


def test_results_csv_has_a_bom_and_neutralised_names_and_xlsx_keeps_them_as_text(client, quiz_setup, db, make_user):
    evil = make_user("trainee", quiz_setup["org"], name="=HYPERLINK(\"http://x\")")
    _finish(client.application, evil, quiz_setup["activity"])
    teacher = _teacher(client, quiz_setup)
    aid = quiz_setup["activity"].id
    resp = teacher.get(f"/quizzes/{aid}/results.csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    body = resp.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] == "Học viên" and rows[1][0] == "'=HYPERLINK(\"http://x\")"
    resp = teacher.get(f"/quizzes/{aid}/results.xlsx")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.get_data())).active
    cell = ws.cell(row=2, column=1)
    assert cell.value == "=HYPERLINK(\"http://x\")" and cell.data_type == "s"  # text, not a formula
    assert teacher.get(f"/quizzes/{aid}/results.pdf").status_code == 404


def test_statistics_say_too_few_attempts_below_ten(client, quiz_setup, db, make_user):
    _finish(client.application, quiz_setup["trainee"], quiz_setup["activity"])
    teacher = _teacher(client, quiz_setup)
    aid = quiz_setup["activity"].id
    # the essay waits for grading: grade it so the attempt counts
    from elearn.quizzes.models import AttemptAnswer
    from tests.quizzes.conftest import question_ids

    ids = question_ids(db)
    answer_id = db.session.scalar(select(AttemptAnswer.id).where(AttemptAnswer.question_id == ids["ESSAY"]))
    AuthActions(teacher).post(f"/quizzes/{aid}/grading", data={"answer": answer_id, "mark": "0", "comment": ""})
    page = teacher.get(f"/quizzes/{aid}/results").get_data(as_text=True)
    assert "Quá ít lượt làm (cần ít nhất 10)" in page
    rows = list(csv.reader(io.StringIO(teacher.get(f"/quizzes/{aid}/statistics.csv").get_data().decode("utf-8-sig"))))
    assert rows[0][:3] == ["Câu hỏi", "Loại", "Số lượt"] and len(rows) > 1
    assert all(r[3].startswith("Quá ít lượt làm") for r in rows[1:])
    ws = load_workbook(io.BytesIO(teacher.get(f"/quizzes/{aid}/statistics.xlsx").get_data())).active
    assert ws.cell(row=2, column=4).value.startswith("Quá ít lượt làm")


def test_statistics_give_numbers_from_ten_attempts(client, quiz_setup, db, make_user):
    from elearn.quizzes.models import Quiz

    quiz = db.session.get(Quiz, quiz_setup["activity"].id)
    quiz.attempts_allowed = 0
    db.session.commit()
    from tests.quizzes.conftest import question_ids

    ids = question_ids(db)
    for i in range(stats.MIN_ATTEMPTS):
        user = make_user("trainee", quiz_setup["org"], name=f"Học viên {i}")
        _finish(client.application, user, quiz_setup["activity"], {f"q{ids['NUM']}": "52" if i % 2 else "1"})
    # essays are ungraded: take them out so the attempts count
    for a in db.session.scalars(select(QuizAttempt)):
        a.needs_grading = False
        a.percent = a.percent if a.percent is not None else 10.0
    db.session.commit()
    analysis = stats.item_analysis(quiz)
    assert analysis[ids["NUM"]]["attempts"] == stats.MIN_ATTEMPTS and analysis[ids["NUM"]]["facility"] == 50.0


def test_course_progress_exports_and_trainees_cannot_download(client, auth, quiz_setup, db, make_user):
    evil = make_user("trainee", quiz_setup["org"], name="@Tên lạ")
    _finish(client.application, evil, quiz_setup["activity"])
    teacher = _teacher(client, quiz_setup)
    slug = quiz_setup["course"].slug
    rows = list(csv.reader(io.StringIO(teacher.get(f"/courses/{slug}/manage/progress.csv").get_data().decode("utf-8-sig"))))
    assert rows[0][0] == "Học viên" and ["'@Tên lạ"] == [r[0] for r in rows[1:] if "Tên lạ" in r[0]]
    ws = load_workbook(io.BytesIO(teacher.get(f"/courses/{slug}/manage/progress.xlsx").get_data())).active
    assert any(ws.cell(row=r, column=1).value == "@Tên lạ" for r in range(2, ws.max_row + 1))
    auth.login(quiz_setup["trainee"].email)
    assert client.get(f"/courses/{slug}/manage/progress.csv").status_code in (403, 404)
    assert client.get(f"/quizzes/{quiz_setup['activity'].id}/results.csv").status_code in (403, 404)
