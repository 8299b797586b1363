"""The cataloguing activity from the trainee's side: the page, drafts in both editors, submitting,
the result beside the key, a submission twice, an older tab, a malformed record, attempts, downloads."""
from sqlalchemy import func, select

from elearn.cataloguing.models import CataloguingAttempt
from elearn.cataloguing.records import read_record
from elearn.cataloguing.services import check
from tests.cataloguing.conftest import EXERCISE_KEY, form_values, submit_mrk
from tests.cataloguing.helpers import replace_line


def _attempts(db, **where):
    db.session.expire_all()
    return db.session.scalars(select(CataloguingAttempt).filter_by(**where).order_by(CataloguingAttempt.number)).all()


def test_the_course_page_leads_to_the_exercise_with_the_item_and_the_editor(client, auth, cat):
    auth.login("mai@example.vn")
    course = client.get("/courses/bien-muc-thu").get_data(as_text=True)
    assert "Bài tập biên mục" in course  # the kind's label
    resp = client.get("/courses/bien-muc-thu/mot/bt")
    assert resp.status_code == 302 and resp.headers["Location"] == f"/cataloguing/{cat['act'].id}"
    html = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "VÙNG QUÊ ĐỊCH HẬU" in html and "Điểm đạt: 80%" in html
    # the field-row editor names each leader and 008 position in Vietnamese
    assert "06 Loại biểu ghi" in html and "35-37 Ngôn ngữ" in html and 'name="tag-0"' in html
    assert 'name="record"' not in html
    mrk = client.get(f"/cataloguing/{cat['act'].id}?mode=mrk").get_data(as_text=True)
    assert 'name="record"' in mrk and 'name="tag-0"' not in mrk


def test_a_perfect_record_from_the_mrk_editor_passes_and_shows_beside_the_key(client, auth, db, cat):
    auth.login("mai@example.vn")
    resp = submit_mrk(client, cat["act"], EXERCISE_KEY)
    [attempt] = _attempts(db, state="submitted")
    assert resp.headers["Location"] == f"/cataloguing/attempts/{attempt.id}"
    assert attempt.score == 1.0 and attempt.percent == 100 and attempt.differences == []
    html = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Điểm: 100%" in html and "Đạt" in html
    assert "<th scope=\"col\">Khóa</th>" in html  # passed: the key shows beside the submission
    assert html.count("✓ Đúng") == 6  # LDR, 008, 100, 245, 260, 300


def test_a_changed_subfield_scores_part_names_the_field_and_links_the_lesson(tmp_path, runner, db, make_org, make_user,
                                                                           client, auth):
    from tests.cataloguing.conftest import import_course

    cat = import_course(tmp_path, runner, db, make_org, make_user, pass_mark=100)
    auth.login("mai@example.vn")
    wrong = replace_line(EXERCISE_KEY, "=245", "=245  10$aVùng quê địch hậu :$btruyện dài /$cNguyễn Kim Dần.")
    submit_mrk(client, cat["act"], wrong)
    [attempt] = _attempts(db, state="submitted")
    assert 0 < attempt.score < 1
    [diff] = attempt.differences
    assert diff["tag"] == "245" and diff["code"] == "b" and diff["lesson"] == "nhan-de"
    html = client.get(f"/cataloguing/attempts/{attempt.id}").get_data(as_text=True)
    assert "Chưa đạt (cần 100%)" in html and "Trường 245, trường con $b (phần còn lại của nhan đề)" in html
    assert 'href="/courses/bien-muc-thu/mot/nhan-de">Xem bài học' in html
    assert "<th scope=\"col\">Khóa</th>" not in html  # not passed, attempts left: no whole key yet
    assert "Sửa biểu ghi và nộp lại" in html
    # the next attempt starts from the last submission
    page = client.get(f"/cataloguing/{cat['act'].id}?mode=mrk").get_data(as_text=True)
    assert "truyện dài" in page and form_values(page)["number"] == "2"


def test_the_field_row_editor_builds_the_record_without_javascript(client, auth, db, cat):
    auth.login("mai@example.vn")
    act = cat["act"]
    values = form_values(client.get(f"/cataloguing/{act.id}").get_data(as_text=True))
    f008 = "261130s1999    vm            000 1 vie d"
    data = {**values, "mode": "rows", "action": "add", "leader": "00000nam\\a2200000\\a\\4500",
            "f008": "\\" * 40, "ldr-05": "n", "ldr-06": "a", "ldr-07": "m", "ldr-08": "\\", "ldr-09": "a",
            "ldr-17": "\\", "ldr-18": "a", "ldr-19": "\\",
            "f008-00": "261130", "f008-06": "s", "f008-07": "1999", "f008-11": "\\\\\\\\", "f008-15": "vm\\",
            "f008-18": "", "f008-22": "", "f008-23": "", "f008-24": "", "f008-28": "", "f008-29": "0",
            "f008-30": "0", "f008-31": "0", "f008-32": "", "f008-33": "1", "f008-34": "", "f008-35": "vie",
            "f008-38": "\\", "f008-39": "d",
            "tag-0": "100", "ind1-0": "0", "ind2-0": "", "value-0": "$aNguyễn Kim Dần",
            "tag-1": "245", "ind1-1": "1", "ind2-1": "0", "value-1": "$aVùng quê địch hậu :$btiểu thuyết /$cNguyễn Kim Dần.",
            "tag-2": "", "ind1-2": "", "ind2-2": "", "value-2": ""}
    resp = client.post(f"/cataloguing/{act.id}", data=data)
    assert resp.status_code == 302 and "blank=6" in resp.headers["Location"]  # saved, three more rows
    [draft] = _attempts(db, state="draft")
    record = read_record(draft.record)
    assert record.leader == "00000nam a2200000 a 4500" and record.get("008")[0].data == f008
    assert [f.tag for f in record.fields] == ["008", "100", "245"]
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert 'name="tag-4"' in page and 'value="$aVùng quê địch hậu :$btiểu thuyết /$cNguyễn Kim Dần."' in page
    # add the last two fields and submit from the rows
    values = form_values(page)
    data.update(values, action="submit", **{"tag-2": "260", "value-2": "$aHà Nội :$bNxb. Quân đội nhân dân,$c1999.",
                                             "tag-3": "300", "value-3": "$a356 tr. ;$c19 cm."})
    resp = client.post(f"/cataloguing/{act.id}", data=data)
    [attempt] = _attempts(db, state="submitted")
    assert attempt.number == 1 and attempt.score == 1.0, attempt.differences


def test_a_position_too_long_or_a_row_without_tag_is_a_clear_error(client, auth, db, cat):
    auth.login("mai@example.vn")
    act = cat["act"]
    values = form_values(client.get(f"/cataloguing/{act.id}").get_data(as_text=True))
    resp = client.post(f"/cataloguing/{act.id}", data={**values, "mode": "rows", "action": "save", "ldr-05": "nn"},
                       follow_redirects=True)
    assert "vị trí 05 (Trạng thái biểu ghi) chỉ có 1 ký tự" in resp.get_data(as_text=True)
    resp = client.post(f"/cataloguing/{act.id}", data={**values, "mode": "rows", "action": "save", "tag-0": "",
                                                        "value-0": "$axyz"}, follow_redirects=True)
    assert "Dòng 1 có nội dung nhưng chưa có nhãn trường" in resp.get_data(as_text=True)
    assert _attempts(db) == []


def test_a_draft_saves_and_comes_back(client, auth, db, cat):
    auth.login("mai@example.vn")
    resp = submit_mrk(client, cat["act"], "=245  10$aNháp", action="save")
    assert resp.status_code == 302
    [draft] = _attempts(db)
    assert draft.state == "draft" and draft.record == "=245  10$aNháp" and draft.save_seq == 1
    page = client.get(f"/cataloguing/{cat['act'].id}?mode=mrk").get_data(as_text=True)
    assert "=245  10$aNháp" in page and "Bản nháp, lưu lúc" in page
    assert form_values(page)["seq"] == "2" and form_values(page)["number"] == "1"


def test_an_older_tab_never_overwrites_a_newer_draft(client, auth, db, cat):
    auth.login("mai@example.vn")
    old = form_values(client.get(f"/cataloguing/{cat['act'].id}?mode=mrk").get_data(as_text=True))
    submit_mrk(client, cat["act"], "=245  10$aMới", action="save")
    submit_mrk(client, cat["act"], "=245  10$aMới hơn", action="save")
    resp = submit_mrk(client, cat["act"], "=245  10$aCũ", action="save", values=old)
    assert "Một bản mới hơn" in client.get(resp.headers["Location"]).get_data(as_text=True)
    [draft] = _attempts(db)
    assert draft.record == "=245  10$aMới hơn"


def test_a_form_submitted_twice_counts_once(client, auth, db, cat):
    auth.login("mai@example.vn")
    values = form_values(client.get(f"/cataloguing/{cat['act'].id}?mode=mrk").get_data(as_text=True))
    first = submit_mrk(client, cat["act"], EXERCISE_KEY, values=values)
    second = submit_mrk(client, cat["act"], EXERCISE_KEY, values=values)  # double click, or back and resend
    assert first.headers["Location"] == second.headers["Location"]
    assert "đã được nộp" in client.get(second.headers["Location"]).get_data(as_text=True)
    assert len(_attempts(db)) == 1
    # a save from that old page does not start a second attempt either
    submit_mrk(client, cat["act"], "=245  10$aX", action="save", values=values)
    assert [a.state for a in _attempts(db)] == ["submitted"]


def test_a_malformed_record_stays_a_draft_and_uses_no_attempt(client, auth, db, cat):
    auth.login("mai@example.vn")
    resp = submit_mrk(client, cat["act"], "=LDR  00000nam\\a2200000\\a\\4500\n245 10$aThiếu dấu bằng\n")
    html = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Chưa nộp được vì biểu ghi có lỗi định dạng: Dòng 2" in html and "Bản nháp đã được lưu" in html
    [draft] = _attempts(db)
    assert draft.state == "draft" and "Thiếu dấu bằng" in draft.record
    # the rows editor says it cannot show this draft as rows
    assert "Hãy sửa ở chế độ .mrk" in client.get(f"/cataloguing/{cat['act'].id}").get_data(as_text=True)
    resp = submit_mrk(client, cat["act"], "")
    assert "Biểu ghi đang trống" in client.get(resp.headers["Location"]).get_data(as_text=True)


def test_attempts_allowed_are_a_limit_and_the_key_shows_when_they_are_used(tmp_path, runner, db, make_org, make_user,
                                                                           client, auth):
    from tests.cataloguing.conftest import import_course

    s = import_course(tmp_path, runner, db, make_org, make_user, attempts=1)
    auth.login("mai@example.vn")
    resp = submit_mrk(client, s["act"], replace_line(EXERCISE_KEY, "=300", None))
    html = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Thiếu trường 300" in html and "<th scope=\"col\">Khóa</th>" in html  # no attempt left: the key
    page = client.get(f"/cataloguing/{s['act'].id}").get_data(as_text=True)
    assert "Bạn đã dùng hết số lượt nộp" in page and 'id="marc-editor"' not in page
    resp = submit_mrk(client, s["act"], EXERCISE_KEY, values={**form_values(page), "number": "2", "seq": "1"})
    assert "dùng hết số lượt" in client.get(resp.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(CataloguingAttempt)) == 1


def test_a_submission_downloads_as_mrk_and_marcxml_and_both_score_as_submitted(client, auth, db, cat):
    from elearn.cataloguing.attempts import key_of
    from elearn.cataloguing.models import CataloguingExercise

    auth.login("mai@example.vn")
    submit_mrk(client, cat["act"], EXERCISE_KEY)
    [attempt] = _attempts(db)
    key = key_of(db.session.get(CataloguingExercise, cat["act"].id))
    for fmt, start in (("mrk", "=LDR"), ("xml", "<?xml")):
        resp = client.get(f"/cataloguing/attempts/{attempt.id}/record.{fmt}")
        assert resp.status_code == 200 and "attachment" in resp.headers["Content-Disposition"]
        assert resp.get_data(as_text=True).startswith(start)
        assert check(key, resp.data).score == 1.0
    assert client.get(f"/cataloguing/attempts/{attempt.id}/record.pdf").status_code == 404
