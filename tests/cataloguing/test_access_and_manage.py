"""Who reaches what: another course's trainee gets 404 everywhere, another trainee's result is 404,
a locked module is 403 for page and write; the instructor's page, the common mistakes and their
CSV/XLSX export are for the course's editors only."""
import io

from openpyxl import load_workbook
from sqlalchemy import select

from elearn.cataloguing.models import CataloguingAttempt, CataloguingExercise
from tests.cataloguing.conftest import EXERCISE_KEY, form_values, import_course, submit_mrk
from tests.cataloguing.helpers import replace_line


def _submit_as(client, auth, email, act, text):
    auth.login(email)
    resp = submit_mrk(client, act, text)
    auth.logout()
    return resp


def test_a_trainee_of_another_course_gets_404_on_every_page_and_write(client, auth, db, cat):
    act = cat["act"]
    _submit_as(client, auth, "mai@example.vn", act, EXERCISE_KEY)
    attempt = db.session.scalar(select(CataloguingAttempt))
    auth.login("ngoai@example.vn")  # not enrolled: the course is hidden from them
    for url in (f"/cataloguing/{act.id}", f"/cataloguing/attempts/{attempt.id}",
                f"/cataloguing/attempts/{attempt.id}/record.mrk", f"/cataloguing/{act.id}/manage",
                "/courses/bien-muc-thu/mot/bt"):
        assert client.get(url).status_code == (403 if url.endswith("/manage") else 404), url
    token = form_values(client.get("/account").get_data(as_text=True))["csrf_token"]
    resp = client.post(f"/cataloguing/{act.id}", data={"csrf_token": token, "mode": "mrk", "number": "1", "seq": "1",
                                                        "record": EXERCISE_KEY, "action": "submit"})
    assert resp.status_code == 404
    db.session.expire_all()
    assert db.session.scalars(select(CataloguingAttempt.user_id)).all() == [cat["trainee"].id]


def test_a_trainee_cannot_open_another_trainees_result(client, auth, db, cat):
    _submit_as(client, auth, "mai@example.vn", cat["act"], EXERCISE_KEY)
    attempt = db.session.scalar(select(CataloguingAttempt))
    auth.login("lan@example.vn")  # same course, same unit
    assert client.get(f"/cataloguing/attempts/{attempt.id}").status_code == 404
    assert client.get(f"/cataloguing/attempts/{attempt.id}/record.xml").status_code == 404
    assert client.get(f"/cataloguing/{cat['act'].id}/manage").status_code == 403
    assert client.get(f"/cataloguing/{cat['act'].id}/mistakes.csv").status_code == 403
    assert client.get("/cataloguing/attempts/999999").status_code == 404


def test_an_exercise_in_a_locked_module_is_403_for_the_page_and_the_write(tmp_path, runner, db, make_org, make_user,
                                                                          client, auth):
    s = import_course(tmp_path, runner, db, make_org, make_user, second_module=True)
    locked = s["acts"]["bt-hai"]
    auth.login("mai@example.vn")
    assert client.get(f"/cataloguing/{locked.id}").status_code == 403
    open_page = form_values(client.get(f"/cataloguing/{s['act'].id}?mode=mrk").get_data(as_text=True))
    resp = client.post(f"/cataloguing/{locked.id}", data={**open_page, "record": EXERCISE_KEY, "action": "submit"})
    assert resp.status_code == 403
    assert db.session.scalar(select(CataloguingAttempt)) is None


def test_the_instructor_sees_submissions_and_the_common_mistakes_and_exports_them(client, auth, db, cat):
    act = cat["act"]
    no_260 = replace_line(EXERCISE_KEY, "=260", None)
    _submit_as(client, auth, "mai@example.vn", act, no_260)
    _submit_as(client, auth, "mai@example.vn", act, EXERCISE_KEY)
    _submit_as(client, auth, "lan@example.vn", act, replace_line(no_260, "=100", "=100  2\\$aNguyễn Kim Dần"))
    _submit_as(client, auth, "ngoai@example.vn", act, no_260)  # not enrolled: refused, counts nowhere
    auth.login("gv@example.vn")
    html = client.get(f"/cataloguing/{act.id}/manage").get_data(as_text=True)
    assert "Trên 2 học viên đã nộp bài." in html
    assert "Hoàng Thị Mai" in html and "Nguyễn Thị Lan" in html and "100%" in html
    first = html.index("Thiếu trường")  # both trainees left out 260: the most common mistake, listed first
    assert first < html.index("Sai chỉ thị") and "<td class=\"num\">2</td>" in html

    resp = client.get(f"/cataloguing/{act.id}/mistakes.csv")
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store"
    lines = resp.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Trường,Tên trường,Vị trí,Loại lỗi,Số học viên")
    assert lines[1].startswith("260,") and ",Thiếu trường,2,100.0,2," in lines[1]
    assert any(line.startswith("100,") and "chỉ thị 1,Sai chỉ thị,1,50.0,1," in line for line in lines)

    resp = client.get(f"/cataloguing/{act.id}/mistakes.xlsx")
    sheet = load_workbook(io.BytesIO(resp.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:2] == ("260", "Xuất bản, phát hành (AACR2)") and rows[1][3:7] == ("Thiếu trường", 2, 100, 2)
    assert client.get(f"/cataloguing/{act.id}/mistakes.pdf").status_code == 404

    # the instructor opens a trainee's submission beside the key
    attempt = db.session.scalar(select(CataloguingAttempt).where(CataloguingAttempt.user_id == cat["other"].id))
    page = client.get(f"/cataloguing/attempts/{attempt.id}").get_data(as_text=True)
    assert "Học viên: Nguyễn Thị Lan" in page and "<th scope=\"col\">Khóa</th>" in page


def test_the_instructor_changes_the_pass_mark_and_an_instructor_of_another_course_cannot(client, auth, db, cat,
                                                                                         make_user):
    act = cat["act"]
    auth.login("gv@example.vn")
    resp = auth.post(f"/cataloguing/{act.id}/manage", {"pass_mark": "95", "attempts_allowed": "2", "grading": "last"})
    assert resp.status_code == 302
    db.session.expire_all()
    ex = db.session.get(CataloguingExercise, act.id)
    assert (ex.pass_mark, ex.attempts_allowed, ex.grading) == (95, 2, "last")
    bad = auth.post(f"/cataloguing/{act.id}/manage", {"pass_mark": "150", "grading": "best"})
    assert bad.status_code == 200 and 'class="error"' in bad.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(CataloguingExercise, act.id).pass_mark == 95
    auth.logout()
    make_user("instructor", email="gv2@example.vn")
    auth.login("gv2@example.vn")
    assert client.get(f"/cataloguing/{act.id}/manage").status_code == 403
    assert client.get(f"/cataloguing/{act.id}/mistakes.xlsx").status_code == 403
