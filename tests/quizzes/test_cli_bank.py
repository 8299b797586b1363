import json

import pytest
from sqlalchemy import func, select

from elearn.quizzes.models import Question

GOOD = """$CATEGORY: thu-nghiem/luat/chuong-1

::A:: Luật Thư viện số 46/2019/QH14 có bao nhiêu chương? {#6}

::B:: Điều 30 khoản 1\\: ngày nào là Ngày Sách và Văn hóa đọc Việt Nam? {=21/4 ~23/4 ~1/6}

::C:: Ghép trường MARC với nội dung. {
=245 -> Nhan đề
=100 -> Tác giả chính
=650 -> Chủ đề
}

::D:: Thư viện công lập miễn phí đọc tại chỗ. {TRUE}
"""
BAD = GOOD + "\n::E:: Câu hỏng {=a ~b\n"


@pytest.fixture
def course(db, runner, tmp_path):
    from elearn.courses import services
    from elearn.orgs.services import create_unit

    from elearn.auth.services import create_user

    user = create_user("gv@example.vn", "Giảng Viên", "instructor", create_unit("LS", "Tỉnh", None), password="mat-khau-dai-1")
    c = services.create_course(user, "Thử nghiệm", "", 1)
    db.session.commit()
    return c


def test_import_json_reports_counts_types_and_categories(runner, course, tmp_path, db):
    f = tmp_path / "q.gift"
    f.write_text(GOOD, encoding="utf-8")
    out = runner.invoke(args=["questions", "import", str(f), "--course", course.slug, "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["imported"] == 4
    assert data["by_type"] == {"numerical": 1, "multichoice": 1, "matching": 1, "truefalse": 1}
    assert data["categories"] == ["thu-nghiem/luat/chuong-1"]
    assert data["errors"] == []


def test_a_bad_question_blocks_the_file_unless_skip_bad(runner, course, tmp_path, db):
    f = tmp_path / "q.gift"
    f.write_text(BAD, encoding="utf-8")
    out = runner.invoke(args=["questions", "import", str(f), "--course", course.slug, "--json"])
    assert out.exit_code == 1
    data = json.loads(out.output)
    assert data["imported"] == 0 and data["errors"][0]["line"] == 15
    assert db.session.scalar(select(func.count(Question.id))) == 0
    out = runner.invoke(args=["questions", "import", str(f), "--course", course.slug, "--skip-bad"])
    assert out.exit_code == 0
    assert db.session.scalar(select(func.count(Question.id))) == 4


def test_gift_import_export_import_gives_the_same_questions(runner, course, tmp_path, db):
    from elearn.quizzes import gift

    f = tmp_path / "q.gift"
    f.write_text(GOOD, encoding="utf-8")
    runner.invoke(args=["questions", "import", str(f), "--course", course.slug])
    exported = runner.invoke(args=["questions", "export", "--course", course.slug, "--format", "gift"]).output
    strip = lambda qs: [{**q.to_dict(), "line": 0} for q in qs]  # noqa: E731
    assert strip(gift.parse(exported).questions) == strip(gift.parse(GOOD).questions)
    f2 = tmp_path / "again.gift"
    f2.write_text(exported, encoding="utf-8")
    before = {q.key: (q.qtype, q.data) for q in db.session.scalars(select(Question))}
    runner.invoke(args=["questions", "import", str(f2), "--course", course.slug, "--replace"])
    db.session.expire_all()
    after = {q.key: (q.qtype, q.data) for q in db.session.scalars(select(Question))}
    assert after == before


def test_moodle_xml_is_detected_by_content(runner, course, tmp_path, db):
    xml = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/thu-nghiem/xml</text></category></question>
  <question type="truefalse">
    <name><text>TF</text></name>
    <questiontext format="html"><text><![CDATA[<p>Luật có 52 điều.</p>]]></text></questiontext>
    <answer fraction="100"><text>true</text></answer>
    <answer fraction="0"><text>false</text></answer>
  </question>
</quiz>"""
    f = tmp_path / "cau-hoi.txt"  # the name says nothing: the content decides
    f.write_text(xml, encoding="utf-8")
    out = runner.invoke(args=["questions", "import", str(f), "--course", course.slug, "--json"])
    data = json.loads(out.output)
    assert data["imported"] == 1 and data["by_type"] == {"truefalse": 1}
    assert data["categories"] == ["thu-nghiem/xml"]


def test_instructor_uploads_questions_with_a_preview_first(client, auth, course, db, make_user):
    import io


    auth.login("gv@example.vn", "mat-khau-dai-1")
    resp = auth.post(f"/quizzes/bank/{course.slug}", data={"file": (io.BytesIO(GOOD.encode()), "q.gift")},
                     content_type="multipart/form-data")
    html = resp.get_data(as_text=True)
    assert "Xem trước: 4 câu hỏi" in html
    assert db.session.scalar(select(func.count(Question.id))) == 0  # nothing saved yet
    token = html.split('name="token" type="hidden" value="')[1].split('"')[0]
    auth.post(f"/quizzes/bank/{course.slug}/import", page=f"/quizzes/bank/{course.slug}", data={"token": token})
    assert db.session.scalar(select(func.count(Question.id))) == 4


def test_a_second_file_with_the_same_titles_adds_questions_unless_replace(runner, course, tmp_path, db):
    """Two files that both use "A".."D" keep both sets (as Moodle does); --replace updates in place."""
    f = tmp_path / "q.gift"
    f.write_text(GOOD, encoding="utf-8")
    assert runner.invoke(args=["questions", "import", str(f), "--course", course.slug]).exit_code == 0
    other = GOOD.replace("{#6}", "{#7}")
    f2 = tmp_path / "q2.gift"
    f2.write_text(other, encoding="utf-8")
    out = json.loads(runner.invoke(args=["questions", "import", str(f2), "--course", course.slug, "--json"]).output)
    assert out["created"] == 4 and out["replaced"] == 0
    assert db.session.scalar(select(func.count(Question.id))) == 8
    a_rows = db.session.scalars(select(Question).where(Question.title == "A")).all()
    assert sorted(q.data["answers"][0]["value"] for q in a_rows) == [6.0, 7.0]
    f3 = tmp_path / "q3.gift"
    f3.write_text(GOOD.replace("{#6}", "{#8}"), encoding="utf-8")
    out = json.loads(runner.invoke(args=["questions", "import", str(f3), "--course", course.slug, "--json",
                                         "--replace"]).output)
    assert out["created"] == 0 and out["replaced"] == 1  # only A changed
    assert db.session.scalar(select(func.count(Question.id))) == 8


def _upload(auth, course, text):
    import io

    resp = auth.post(f"/quizzes/bank/{course.slug}", data={"file": (io.BytesIO(text.encode()), "q.gift")},
                     content_type="multipart/form-data")
    html = resp.get_data(as_text=True)
    return html, html.split('name="token" type="hidden" value="')[1].split('"')[0]


def test_web_preview_counts_new_and_matching_and_the_instructor_chooses(client, auth, course, db):
    auth.login("gv@example.vn", "mat-khau-dai-1")
    html, token = _upload(auth, course, GOOD)
    assert "4 câu mới, 0 câu trùng" in html
    auth.post(f"/quizzes/bank/{course.slug}/import", page=f"/quizzes/bank/{course.slug}", data={"token": token})
    more = GOOD + "\n::E:: Câu mới hẳn {T}\n"
    html, token = _upload(auth, course, more)
    assert "1 câu mới, 4 câu trùng" in html and 'value="replace"' in html
    assert db.session.scalar(select(func.count(Question.id))) == 4  # the preview writes nothing
    auth.post(f"/quizzes/bank/{course.slug}/import", page=f"/quizzes/bank/{course.slug}",
              data={"token": token, "mode": "new"})
    assert db.session.scalar(select(func.count(Question.id))) == 9
    html, token = _upload(auth, course, more.replace("{#6}", "{#9}"))
    auth.post(f"/quizzes/bank/{course.slug}/import", page=f"/quizzes/bank/{course.slug}",
              data={"token": token, "mode": "replace"})
    assert db.session.scalar(select(func.count(Question.id))) == 9
    db.session.expire_all()
    values = sorted(q.data["answers"][0]["value"] for q in db.session.scalars(select(Question).where(Question.title == "A")))
    assert values == [6.0, 9.0]  # the original A was replaced; the copy added as new stays


def test_the_confirmed_import_refuses_a_bad_or_used_token_and_a_file_with_errors(client, auth, course, db):
    """bank.import_kept: the page parses the form, the service refuses with a Vietnamese message."""
    auth.login("gv@example.vn", "mat-khau-dai-1")
    url, page = f"/quizzes/bank/{course.slug}/import", f"/quizzes/bank/{course.slug}"
    resp = auth.post(url, page=page, data={"token": "../../etc/passwd"}, follow_redirects=True)
    assert "Bản xem trước không hợp lệ" in resp.get_data(as_text=True)
    _html, token = _upload(auth, course, GOOD + "\n::BAD:: Hỏng {=a ~b\n")
    resp = auth.post(url, page=page, data={"token": token}, follow_redirects=True)
    assert "Tệp có câu hỏi lỗi; không nhập gì" in resp.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Question.id))) == 0
    auth.post(url, page=page, data={"token": token, "skip_bad": "y"})
    assert db.session.scalar(select(func.count(Question.id))) == 4
    resp = auth.post(url, page=page, data={"token": token, "skip_bad": "y"}, follow_redirects=True)
    assert "Bản xem trước đã hết hạn" in resp.get_data(as_text=True)  # the kept file went with the import
    assert db.session.scalar(select(func.count(Question.id))) == 4
