"""The quiz routes load what their address names with ``core.loading.loads`` (docs/ARCHITECTURE.md,
"Loaders"): the pages, the authoring and bank pages and the API through the same loaders, with the
refusals they had (404 hidden or another course's, 403 for a missing right or a locked module, an
unknown export format 404 before anything is read, the API's own JSON messages)."""
from sqlalchemy import select

from elearn.auth import services as accounts
from elearn.courses import loaders as course_loaders
from elearn.quizzes import loaders
from elearn.quizzes.models import Question
from tests.conftest import route_loaders

ROUTES = {
    "quizzes.quiz": loaders.load_quiz, "quizzes.start": loaders.load_quiz, "api.start_attempt": loaders.load_quiz,
    "quizzes.attempt": loaders.load_attempt, "quizzes.autosave": loaders.load_attempt,
    "quizzes.summary": loaders.load_attempt, "quizzes.submit": loaders.load_attempt,
    "quizzes.review": loaders.load_attempt, "api.get_attempt": loaders.load_attempt,
    "api.save_answers": loaders.load_attempt, "api.submit_attempt": loaders.load_attempt,
    "api.review_attempt": loaders.load_attempt,
    "quizzes.manage": loaders.load_staff_quiz, "quizzes.change_slots": loaders.load_staff_quiz,
    "quizzes.overview": loaders.load_staff_quiz, "quizzes.export_results": loaders.load_quiz_export,
    "quizzes.export_statistics": loaders.load_quiz_export, "quizzes.grading": loaders.load_grading_quiz,
    "quizzes.new_quiz": course_loaders.load_editable_module,
    "quizzes.bank_view": course_loaders.load_editable_course, "quizzes.bank_import": course_loaders.load_editable_course,
    "quizzes.bank_questions": course_loaders.load_editable_course,
    "quizzes.bank_move": course_loaders.load_editable_course,
    "quizzes.bank_preview": loaders.load_bank_question, "quizzes.bank_delete": loaders.load_bank_question,
    "quizzes.bank_edit": loaders.load_bank_form,
}


def test_pages_and_api_load_through_the_same_loaders(app):
    for endpoint, loader in ROUTES.items():
        assert route_loaders(app, endpoint) == [loader], endpoint


def test_an_unknown_export_format_is_404_before_the_quiz_is_checked(client, auth, quiz_setup):
    aid = quiz_setup["activity"].id
    auth.login(quiz_setup["trainee"].email)
    assert client.get(f"/quizzes/{aid}/results.csv").status_code == 403  # the quiz: not theirs to author
    assert client.get(f"/quizzes/{aid}/results.pdf").status_code == 404  # the format first
    assert client.get(f"/quizzes/{aid}/statistics.pdf").status_code == 404
    assert client.get(f"/quizzes/{aid + 1000}/results.csv").status_code == 404


def test_a_bank_question_of_another_course_or_none_is_404(client, auth, quiz_setup, db, make_user):
    from elearn.courses.models import Course

    base = f"/quizzes/bank/{quiz_setup['course'].slug}/questions"
    mc = db.session.scalar(select(Question).where(Question.title == "MC"))
    auth.login(quiz_setup["instructor"].email)
    assert "Luật Thư viện có hiệu lực" in client.get(f"{base}/{mc.id}/edit").get_data(as_text=True)
    assert 'name="text"' in client.get(f"{base}/new").get_data(as_text=True)
    assert client.get(f"{base}/{mc.id + 1000}").status_code == 404
    assert client.get(f"{base}/{mc.id + 1000}/edit").status_code == 404
    assert client.get(f"{base}/{mc.id + 1000}/delete").status_code == 404
    other = Course(slug="khac", title="Khoá khác", status="published")
    db.session.add(other)
    db.session.commit()
    mc.course_id = other.id  # the question now belongs to another course, under this course's address
    db.session.commit()
    for path in (f"{base}/{mc.id}", f"{base}/{mc.id}/edit", f"{base}/{mc.id}/delete"):
        assert client.get(path).status_code == 404, path
    auth.logout()
    auth.login(make_user("instructor", quiz_setup["org"]).email)  # an instructor, not of this course
    assert client.get(f"{base}/new").status_code == 403
    assert client.get("/quizzes/bank/khong-co/questions/new").status_code == 404


def test_a_new_quiz_needs_a_module_of_the_course(client, auth, quiz_setup, db):
    from elearn.courses.models import Module

    module = db.session.scalar(select(Module))
    slug = quiz_setup["course"].slug
    auth.login(quiz_setup["instructor"].email)
    assert client.get(f"/quizzes/new/{slug}/{module.id}").status_code == 200
    assert client.get(f"/quizzes/new/{slug}/{module.id + 1000}").status_code == 404
    auth.logout()
    auth.login(quiz_setup["trainee"].email)
    assert client.get(f"/quizzes/new/{slug}/{module.id}").status_code == 403


def test_the_api_keeps_its_refusal_messages(client, db, quiz_setup, make_user):
    trainee = quiz_setup["trainee"]
    _t, raw = accounts.create_token(trainee, "t")
    db.session.commit()
    headers = {"Authorization": f"Bearer {raw}"}
    aid = quiz_setup["activity"].id
    resp = client.post(f"/api/v1/quizzes/{aid + 1000}/attempts", headers=headers)
    assert resp.status_code == 404 and resp.json["error"]["message"] == "Không tìm thấy bài kiểm tra."
    resp = client.post(f"/api/v1/quizzes/{aid}/attempts", headers=headers)
    assert resp.status_code == 201
    attempt_id = resp.json["id"]
    assert client.get(f"/api/v1/attempts/{attempt_id}", headers=headers).json["id"] == attempt_id
    stranger = make_user("trainee", quiz_setup["org"])
    _t, other = accounts.create_token(stranger, "t")
    db.session.commit()
    for method, path in (("get", f"/api/v1/attempts/{attempt_id}"), ("get", f"/api/v1/attempts/{attempt_id}/review"),
                         ("post", f"/api/v1/attempts/{attempt_id}/submit")):
        resp = getattr(client, method)(path, headers={"Authorization": f"Bearer {other}"})
        assert resp.status_code == 404 and resp.json["error"]["message"] == "Không tìm thấy lượt làm bài.", path
    resp = client.put(f"/api/v1/attempts/{attempt_id}/answers", json={"answers": {}, "seq": 1},
                      headers={"Authorization": f"Bearer {other}"})
    assert resp.status_code == 404 and resp.json["error"]["message"] == "Không tìm thấy lượt làm bài."
