"""Tests for the question-type registry (pure functions: no app, no database)."""
import dataclasses
import json
import random
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader
from werkzeug.datastructures import MultiDict

from elearn.quizzes import gift, types
from elearn.quizzes.types import REGISTRY, choice_id, get_type, parse_number

ROOT = Path(__file__).resolve().parents[2]
COURSE_FILES = sorted(ROOT.glob("courses/*/*/questions.gift"))

# Every type and option GIFT can express, in Vietnamese.
RICH = r"""// Ví dụ đầy đủ các loại câu hỏi
$CATEGORY: vi-du/tat-ca

::MC đơn::Luật Thư viện số mấy?{
=46/2019/QH14#Đúng rồi.
~%50%46/2019#Gần đúng.
~%-50%31/2000/PL-UBTVQH10#Đây là Pháp lệnh.
~93/2020/NĐ-CP
####Luật Thư viện số 46/2019/QH14.}

::MC nhiều::Những gì là tài nguyên thông tin?{
~%33.33333%Tài liệu in#Đúng.
~%33.33333%Tài liệu số
~%33.33333%Tài liệu nghe, nhìn
~%-100%Bàn ghế#Đây là tài sản.
}

::Từ thiếu::Thư viện công cộng cấp {~huyện =tỉnh ~xã} do Ủy ban nhân dân tỉnh thành lập.

::HTML::[html]<p>Chọn <b>một</b> đáp án\: </p>{=[html]<em>có</em> ~[plain]<không> ~[moodle]Không rõ}

::Đúng sai::Luật thay thế Pháp lệnh năm 2000.{TRUE#Sai rồi.#Chính xác.####Pháp lệnh 31/2000.}

::Sai::Luật có hiệu lực năm 2019.{F}

::Đ/S thiếu từ::Luật Thư viện {T} có hiệu lực từ năm 2020.

::Ngắn::Viết tắt của Khung phân loại thập phân Dewey?{
=DDC#Đúng.
=%50%Dewey*#Đúng một phần.
=%0%*#Chưa đúng.
}

::Ngắn thiếu từ::Chuẩn biên mục hiện hành là {=RDA =Resource Description and Access}.

::Số::Số pi (2 chữ số thập phân)?{#
=3.14:0.005#Rất tốt.
=%50%3.1:0.1#Gần đúng.
~#Chưa đúng.
####Pi ≈ 3,14159.}

::Khoảng::Một số từ 1 đến 5?{#1..5}

::Số mũ::Số Avogadro?{#6.022e23:1e21}

::Ghép::Ghép chương với tên chương.{
=Chương I -> Những quy định chung
=Chương II -> Thành lập thư viện
=Chương III -> Hoạt động thư viện
= -> Điều khoản thi hành
}

$CATEGORY: vi-du/tu-luan

::Tự luận::Trình bày vai trò của thư viện cơ sở.{####Nêu ít nhất ba vai trò.}

::Tự luận thiếu từ::Viết về {} ở xã của bạn.

::Mô tả::Các câu sau nói về Luật Thư viện \{46/2019\}.
"""


def rich():
    result = gift.parse(RICH)
    assert result.errors == []
    return {q.title: q for q in result.questions}


def stored(q):
    """(qtype, text, text_format, data, general_feedback) as they come back from the JSON column."""
    qtype, text, fmt, data, gf = types.from_gift(q)
    return qtype, text, fmt, json.loads(json.dumps(data)), gf


def data_of(src):
    result = gift.parse(src)
    assert result.errors == [], result.errors
    qtype, _text, _fmt, data, _gf = stored(result.questions[0])
    return get_type(qtype), data


# --------------------------------------------------------------------------- registry

def test_registry_has_every_type():
    assert set(REGISTRY) == {"multichoice", "truefalse", "shortanswer", "numerical", "matching",
                             "essay", "description"}
    for name, t in REGISTRY.items():
        assert get_type(name) is t and t.name == name
        assert t.template == f"quizzes/types/_{name}.html"
        assert (ROOT / "templates" / t.template).is_file()
        assert str(t.label)
    assert get_type("essay").manual and not get_type("multichoice").manual
    assert not get_type("description").gradable and get_type("numerical").gradable
    with pytest.raises(KeyError):
        get_type("cloze")


def test_rich_example_covers_every_type():
    assert {q.qtype for q in rich().values()} == set(REGISTRY)


# --------------------------------------------------------------------------- GIFT round trip

def assert_round_trip(questions):
    for q in questions:
        qtype, text, fmt, data, gf = stored(q)
        assert get_type(qtype).validate(data) == [], q
        back = types.to_gift(qtype, text, fmt, data, gf, title=q.title, category=q.category)
        assert dataclasses.replace(back, line=0) == dataclasses.replace(q, line=0)
    again = [types.to_gift(*stored(q), title=q.title, category=q.category) for q in questions]
    text = gift.export(questions)
    assert gift.export(again) == text
    reparsed = gift.parse(text)
    assert reparsed.errors == []
    assert [dataclasses.replace(q, line=0) for q in reparsed.questions] == \
        [dataclasses.replace(q, line=0) for q in questions]


@pytest.mark.parametrize("path", COURSE_FILES, ids=lambda p: p.parent.name)
def test_round_trip_shipped_course_files(path):
    result = gift.parse(path.read_text(encoding="utf-8"))
    assert result.errors == [] and result.questions
    assert_round_trip(result.questions)


def test_shipped_course_files_exist():
    assert len(COURSE_FILES) >= 10


def test_round_trip_rich_example():
    assert_round_trip(list(rich().values()))


def test_data_shapes():
    qs = rich()
    d = stored(qs["MC đơn"])[3]
    assert d["multiple"] is False and d["missing_word"] is False
    assert [a["id"] for a in d["answers"]] == ["a1", "a2", "a3", "a4"]
    assert d["answers"][2] == {"id": "a3", "text": "31/2000/PL-UBTVQH10", "weight": -50.0,
                               "feedback": "Đây là Pháp lệnh."}
    assert stored(qs["HTML"])[3]["answers"][1]["format"] == "plain"
    assert stored(qs["Từ thiếu"])[1] == "Thư viện công cộng cấp _____ do Ủy ban nhân dân tỉnh thành lập."
    assert stored(qs["Từ thiếu"])[3]["missing_word"] is True
    assert stored(qs["Đúng sai"])[3] == {"correct": True, "missing_word": False,
                                         "feedback": {"true": "Chính xác.", "false": "Sai rồi."}}
    assert stored(qs["Ngắn"])[3]["case_sensitive"] is False
    num = stored(qs["Số"])[3]["answers"]
    assert num[0] == {"id": "a1", "value": 3.14, "tolerance": 0.005, "weight": 100.0, "feedback": "Rất tốt."}
    assert num[2] == {"id": "a3", "any": True, "weight": 0.0, "feedback": "Chưa đúng."}
    assert stored(qs["Khoảng"])[3]["answers"][0]["min"] == 1.0
    assert stored(qs["Ghép"])[3]["pairs"][3] == {"id": "a4", "stem": "", "match": "Điều khoản thi hành"}
    assert stored(qs["Tự luận"])[3] == {"missing_word": False}
    assert stored(qs["Tự luận"])[4] == "Nêu ít nhất ba vai trò."
    assert stored(qs["Mô tả"])[3] == {}


def test_case_sensitive_survives_to_gift():
    q = rich()["Ngắn"]
    qtype, text, fmt, data, gf = stored(q)
    data["case_sensitive"] = True
    back = types.to_gift(qtype, text, fmt, data, gf)
    assert back.case_sensitive is True
    assert stored(back)[3]["case_sensitive"] is True


# --------------------------------------------------------------------------- validate

@pytest.mark.parametrize("qtype, data, message", [
    ("multichoice", {"multiple": False, "answers": [{"id": "a1", "text": "x", "weight": 50, "feedback": ""},
                                                     {"id": "a2", "text": "y", "weight": 0, "feedback": ""}]},
     "cần một đáp án 100%"),
    ("multichoice", {"multiple": True, "answers": [{"id": "a1", "text": "x", "weight": 50, "feedback": ""},
                                                    {"id": "a2", "text": "y", "weight": 30, "feedback": ""}]},
     "phải bằng 100% (hiện là 80%)"),
    ("multichoice", {"multiple": False, "answers": [{"id": "a1", "text": "x", "weight": 100, "feedback": ""}]},
     "cần ít nhất 2 đáp án"),
    ("multichoice", {"multiple": False, "answers": [{"id": "a1", "text": "x", "weight": 100, "feedback": ""},
                                                     {"id": "a1", "text": "y", "weight": 0, "feedback": ""}]},
     "mã đáp án bị trùng"),
    ("multichoice", {"multiple": False, "answers": [{"id": "a1", "text": "x", "weight": 100, "feedback": ""},
                                                     {"id": "a2", "text": " ", "weight": 0, "feedback": ""}]},
     "không có nội dung"),
    ("multichoice", {"multiple": False, "answers": [{"id": "a1", "text": "x", "weight": 150, "feedback": ""},
                                                     {"id": "a2", "text": "y", "weight": 0, "feedback": ""}]},
     "trọng số không hợp lệ: 150 (phải từ -100% đến 100%)"),
    ("multichoice", {"multiple": "có", "answers": []}, "multiple phải là true/false"),
    ("multichoice", [], "dữ liệu câu hỏi không hợp lệ"),
    ("truefalse", {"correct": "yes"}, "cần chọn đáp án đúng"),
    ("shortanswer", {"answers": [{"id": "a1", "text": "x", "weight": 50, "feedback": ""}]},
     "không có đáp án đúng 100%"),
    ("shortanswer", {"answers": "x"}, "thiếu danh sách đáp án"),
    ("numerical", {"answers": [{"id": "a1", "min": 5, "max": 1, "weight": 100, "feedback": ""}]},
     "khoảng số không hợp lệ: 5..1"),
    ("numerical", {"answers": [{"id": "a1", "value": 3, "tolerance": -1, "weight": 100, "feedback": ""}]},
     "sai số không được âm"),
    ("numerical", {"answers": [{"id": "a1", "value": "3", "weight": 100, "feedback": ""}]},
     "giá trị số không hợp lệ"),
    ("numerical", {"answers": [{"id": "a1", "any": True, "weight": 0, "feedback": ""}]},
     "không có đáp án"),
    ("matching", {"pairs": [{"id": "a1", "stem": "x", "match": "y"}, {"id": "a2", "stem": "", "match": "z"}]},
     "cần ít nhất 2 cặp"),
    ("matching", {"pairs": [{"id": "a1", "stem": "x", "match": "y"}, {"id": "a2", "stem": "w", "match": ""}]},
     "không có nội dung"),
])
def test_validate_reports_problems_in_vietnamese(qtype, data, message):
    problems = get_type(qtype).validate(data)
    assert any(message in p for p in problems), problems


def test_validate_accepts_every_rich_question():
    for q in rich().values():
        qtype, _t, _f, data, _g = stored(q)
        assert get_type(qtype).validate(data) == []


# --------------------------------------------------------------------------- grading: multichoice

def test_multichoice_single_grading():
    t, d = data_of("Câu?{=đúng ~%50%nửa ~%-50%âm ~sai}")
    assert t.grade(d, "a1") == 1.0
    assert t.grade(d, "a2") == 0.5
    assert t.grade(d, "a3") == 0.0  # negative weights clamp at 0
    assert t.grade(d, "a4") == 0.0
    assert t.grade(d, None) == 0.0
    assert t.grade(d, "a99") == 0.0


def test_multichoice_multiple_sums_weights_like_moodle():
    t, d = data_of("Chọn?{~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-100%d ~%-50%e ~f}")
    assert t.grade(d, ["a1", "a2", "a3"]) == 1.0
    assert t.grade(d, ["a1", "a2"]) == pytest.approx(0.6666666)
    assert t.grade(d, ["a1"]) == pytest.approx(0.3333333)
    assert t.grade(d, ["a1", "a2", "a3", "a5"]) == pytest.approx(0.5)
    assert t.grade(d, ["a1", "a2", "a3", "a4"]) == 0.0  # clamped, never negative
    assert t.grade(d, ["a4"]) == 0.0
    assert t.grade(d, ["a1", "a2", "a3", "a6"]) == 1.0
    assert t.grade(d, []) == 0.0 and t.grade(d, None) == 0.0


def test_multichoice_multiple_is_clamped_at_one():
    t, d = data_of("Chọn?{~%50%a ~%50%b ~c}")
    d["answers"][2]["weight"] = 50.0  # an edited question may over-reward
    assert t.grade(d, ["a1", "a2", "a3"]) == 1.0


def test_multichoice_feedback_right_answer_and_summary():
    q = rich()["MC đơn"]
    _qt, text, _f, d, _g = stored(q)
    t = get_type("multichoice")
    assert t.feedback(d, "a2") == ["Gần đúng."]
    assert t.feedback(d, "a4") == []
    assert t.right_answer(text, d) == "Đáp án đúng là: 46/2019/QH14"
    assert t.response_summary(d, "a3") == "31/2000/PL-UBTVQH10"
    _qt, text, _f, m, _g = stored(rich()["MC nhiều"])
    assert t.feedback(m, ["a1", "a4"]) == ["Đúng.", "Đây là tài sản."]
    assert t.right_answer(text, m) == "Các đáp án đúng là: Tài liệu in; Tài liệu số; Tài liệu nghe, nhìn"
    assert t.response_summary(m, ["a2", "a1"]) == "Tài liệu in; Tài liệu số"
    h = stored(rich()["HTML"])[3]
    assert t.right_answer("", h) == "Đáp án đúng là: có"


# --------------------------------------------------------------------------- grading: true/false

def test_truefalse_grading_and_feedback():
    _qt, text, _f, d, _g = stored(rich()["Đúng sai"])
    t = get_type("truefalse")
    assert t.grade(d, "true") == 1.0 and t.grade(d, "false") == 0.0 and t.grade(d, None) == 0.0
    assert t.feedback(d, "true") == ["Chính xác."] and t.feedback(d, "false") == ["Sai rồi."]
    assert t.right_answer(text, d) == "Đáp án đúng là: Đúng"
    assert t.response_summary(d, "false") == "Sai"
    f = stored(rich()["Sai"])[3]
    assert t.grade(f, "false") == 1.0 and t.grade(f, "true") == 0.0
    assert t.feedback(f, "true") == []
    assert t.right_answer("", f) == "Đáp án đúng là: Sai"


# --------------------------------------------------------------------------- grading: short answer

def test_shortanswer_exact_and_case_insensitive_by_default():
    t, d = data_of("Viết tắt?{=DDC =%50%Dewey}")
    assert t.grade(d, "DDC") == 1.0
    assert t.grade(d, "ddc") == 1.0
    assert t.grade(d, "  dDc  ") == 1.0
    assert t.grade(d, "dewey") == 0.5
    assert t.grade(d, "UDC") == 0.0
    assert t.grade(d, "") == 0.0 and t.grade(d, None) == 0.0


def test_shortanswer_case_sensitive_flag():
    t, d = data_of("Viết tắt?{=DDC}")
    d["case_sensitive"] = True
    assert t.grade(d, "DDC") == 1.0
    assert t.grade(d, "ddc") == 0.0


def test_shortanswer_vietnamese_case_and_normalization():
    t, d = data_of("Thủ đô?{=Hà Nội}")
    assert t.grade(d, "hà nội") == 1.0
    assert t.grade(d, "HÀ NỘI") == 1.0
    assert t.grade(d, unicodedata.normalize("NFD", "Hà Nội")) == 1.0  # decomposed input
    assert t.grade(d, "Hà   Nội\n") == 1.0  # whitespace collapsed
    assert t.grade(d, "Ha Noi") == 0.0  # tones matter


def test_shortanswer_wildcard():
    t, d = data_of("Tên?{=Dewey* =%50%*thập phân* =%10%*}")
    assert t.grade(d, "Dewey") == 1.0
    assert t.grade(d, "dewey decimal classification") == 1.0
    assert t.grade(d, "Khung phân loại thập phân") == 0.5  # best matching answer wins
    assert t.grade(d, "gì đó") == 0.1
    assert t.grade(d, "   ") == 0.0  # the catch-all needs an answer
    assert t.feedback(d, "Dewey") == []


@pytest.mark.parametrize("pattern, response, ok", [
    ("*", "bất kỳ", True), ("a*", "a", True), ("*a", "ba", True), ("a*b", "ab", True),
    ("a*b", "a-b", True), ("a*b", "a-b-c", False), ("*b*c*", "abxc", True), ("*b*c*", "acb", False),
    ("ab*ba", "aba", False), ("a**b", "ab", True), ("*x*y*", "yx", False),
])
def test_shortanswer_wildcard_cases(pattern, response, ok):
    t, d = data_of(f"Câu?{{={pattern}}}")
    assert t.grade(d, response) == (1.0 if ok else 0.0)


def test_shortanswer_wildcards_stay_fast_on_long_responses():
    t, d = data_of("Câu?{=*a*a*a*a*a*a*a*b}")
    assert t.grade(d, "a" * 10000) == 0.0  # a backtracking regex would not finish
    assert t.grade(d, "a" * 10000 + "b") == 1.0


def test_shortanswer_literal_star_and_regex_characters():
    t, d = data_of(r"Ký hiệu?{=a\\*b =%50%(c.d)}")
    assert d["answers"][0]["text"] == "a\\*b"
    assert t.grade(d, "a*b") == 1.0
    assert t.grade(d, "axxb") == 0.0
    assert t.grade(d, "(c.d)") == 0.5
    assert t.grade(d, "(cxd)") == 0.0
    assert t.right_answer("", d) == "Đáp án đúng là: a*b"


def test_shortanswer_feedback_and_summary():
    _qt, text, _f, d, _g = stored(rich()["Ngắn"])
    t = get_type("shortanswer")
    assert t.feedback(d, "dewey x") == ["Đúng một phần."]
    assert t.feedback(d, "ddc") == ["Đúng."]
    assert t.grade(d, "abc") == 0.0 and t.feedback(d, "abc") == ["Chưa đúng."]
    assert t.right_answer(text, d) == "Đáp án đúng là: DDC"
    assert t.response_summary(d, "ddc") == "ddc"


# --------------------------------------------------------------------------- grading: numerical

@pytest.mark.parametrize("raw, value", [
    ("3.14", 3.14), ("3,14", 3.14), (" -2,5 ", -2.5), ("\u22122", -2.0), ("+7", 7.0), ("1e3", 1000.0),
    ("1.234.567", 1234567.0), ("1,234,567", 1234567.0), ("1.234,5", 1234.5), ("1,234.5", 1234.5),
    ("1 234", 1234.0), (".5", 0.5), (3, 3.0), (2.5, 2.5),
    ("", None), ("abc", None), ("1,2,3", None), ("1.2.3", None), ("3,14 m", None), ("nan", None),
    ("inf", None), ("1e999", None), (True, None), (None, None), ("1" * 200, None),
])
def test_parse_number(raw, value):
    assert parse_number(raw) == value


def test_numerical_tolerance_and_comma_decimal():
    _qt, text, _f, d, _g = stored(rich()["Số"])
    t = get_type("numerical")
    assert t.grade(d, "3.14") == 1.0
    assert t.grade(d, "3,14") == 1.0
    assert t.grade(d, "3,145") == 1.0  # edge of ±0.005
    assert t.grade(d, "3.135") == 1.0
    assert t.grade(d, "3.146") == 0.5  # outside the first answer, inside 3.1 ± 0.1
    assert t.grade(d, "3.2") == 0.5
    assert t.grade(d, "3.3") == 0.0
    assert t.feedback(d, "3.3") == ["Chưa đúng."]  # catch-all
    assert t.feedback(d, "3,14") == ["Rất tốt."]
    assert t.grade(d, "ba phẩy mười bốn") == 0.0
    assert t.feedback(d, "ba phẩy mười bốn") == []  # not a number: not even the catch-all
    assert t.grade(d, None) == 0.0
    assert t.right_answer(text, d) == "Đáp án đúng là: 3,14 ± 0,005"
    assert t.response_summary(d, "3,14") == "3,14"


def test_numerical_range_exact_and_exponent():
    t = get_type("numerical")
    r = stored(rich()["Khoảng"])[3]
    assert [t.grade(r, x) for x in ("1", "5", "2,5", "0.99", "5.01")] == [1.0, 1.0, 1.0, 0.0, 0.0]
    assert t.right_answer("", r) == "Đáp án đúng là: từ 1 đến 5"
    _t, e = data_of("Năm?{#2020}")
    assert t.grade(e, "2020") == 1.0 and t.grade(e, "2020,0") == 1.0 and t.grade(e, "2021") == 0.0
    assert t.right_answer("", e) == "Đáp án đúng là: 2020"
    a = stored(rich()["Số mũ"])[3]
    assert t.grade(a, "6.02e23") == 1.0 and t.grade(a, "6e23") == 0.0


# --------------------------------------------------------------------------- grading: matching

def test_matching_grading_partial_and_distractor():
    _qt, text, _f, d, _g = stored(rich()["Ghép"])
    t = get_type("matching")
    right = {p["id"]: choice_id(p["match"]) for p in d["pairs"] if p["stem"]}
    assert t.grade(d, right) == 1.0
    wrong = dict(right, a1=choice_id("Điều khoản thi hành"))
    assert t.grade(d, wrong) == pytest.approx(0.6666667)
    assert t.grade(d, {"a1": right["a1"]}) == pytest.approx(0.3333333)
    swapped = {"a1": right["a2"], "a2": right["a1"], "a3": right["a3"]}
    assert t.grade(d, swapped) == pytest.approx(0.3333333)
    assert t.grade(d, None) == 0.0 and t.grade(d, {}) == 0.0
    assert t.right_answer(text, d) == ("Đáp án đúng là: Chương I → Những quy định chung; "
                                       "Chương II → Thành lập thư viện; Chương III → Hoạt động thư viện")
    assert t.response_summary(d, {"a1": right["a1"]}) == (
        "Chương I → Những quy định chung; Chương II → –; Chương III → –")
    assert t.feedback(d, right) == []


def test_matching_same_right_side_for_two_stems():
    t, d = data_of("Ghép?{=Hà Nội -> thành phố =Huế -> thành phố =Lạng Sơn -> tỉnh}")
    public = t.public("", d, t.layout(d, random.Random(1), True))
    assert len(public["choices"]) == 2
    city, province = choice_id("thành phố"), choice_id("tỉnh")
    assert t.grade(d, {"a1": city, "a2": city, "a3": province}) == 1.0


# --------------------------------------------------------------------------- essay and description

def test_essay_and_description_are_not_auto_graded():
    essay = get_type("essay")
    d = stored(rich()["Tự luận"])[3]
    assert essay.grade(d, "Bài làm") is None and essay.grade(d, None) is None
    assert essay.right_answer("", d) == "" and essay.feedback(d, "x") == []
    assert essay.response_summary(d, "Bài làm dài") == "Bài làm dài"
    desc = get_type("description")
    assert desc.grade({}, None) is None
    assert desc.public("", {}, {}) == {} and desc.layout({}, random.Random(0), True) == {}
    assert desc.response_from_form(MultiDict({"q1": "x"}), "q1", {}, {}) is None
    with pytest.raises(ValueError):
        desc.clean_response("x", {}, {})


# --------------------------------------------------------------------------- public view keeps secrets

def secrets_of(qtype, data):
    """Strings that must never reach the attempt page before review."""
    out = []
    for a in data.get("answers", []):
        if a.get("feedback"):
            out.append(a["feedback"])
        if qtype in ("shortanswer", "numerical"):
            out += [a.get("text", ""), str(a.get("value", "")), str(a.get("tolerance", ""))]
    for fb in (data.get("feedback") or {}).values():
        out.append(fb)
    return [s for s in out if s and s != "None"]


@pytest.mark.parametrize("title", ["MC đơn", "MC nhiều", "HTML", "Đúng sai", "Sai", "Ngắn", "Số",
                                   "Khoảng", "Ghép", "Tự luận", "Mô tả", "Từ thiếu"])
def test_public_hides_weights_feedback_and_answers(title):
    q = rich()[title]
    qtype, text, _f, data, gf = stored(q)
    t = get_type(qtype)
    public = t.public(text, data, t.layout(data, random.Random(7), True))
    dump = json.dumps(public, ensure_ascii=False)
    for key in ('"weight"', '"feedback"', '"correct"', '"match"', '"value"', '"tolerance"', '"min"',
                '"max"', '"any"', '"answers"', '"pairs"', '"case_sensitive"'):
        assert key not in dump, (key, dump)
    for secret in secrets_of(qtype, data) + ([gf] if gf else []):
        assert secret not in dump, (secret, dump)
    if qtype == "multichoice":
        for w in ("33.33333", "-50", "-100"):
            assert w not in dump
    if qtype == "matching":
        stem_ids = {s["id"] for s in public["stems"]}
        choice_ids = {c["id"] for c in public["choices"]}
        assert not stem_ids & choice_ids
        assert all(c.startswith("c") and len(c) == 11 for c in choice_ids)
        assert len(public["stems"]) == 3 and len(public["choices"]) == 4  # with the distractor
        for s in public["stems"]:
            assert set(s) == {"id", "text"}


def test_public_shapes():
    qs = rich()
    mc = stored(qs["MC đơn"])[3]
    t = get_type("multichoice")
    assert t.public("", mc, {"order": ["a3", "a1", "a2", "a4"]}) == {"multiple": False, "choices": [
        {"id": "a3", "text": "31/2000/PL-UBTVQH10"}, {"id": "a1", "text": "46/2019/QH14"},
        {"id": "a2", "text": "46/2019"}, {"id": "a4", "text": "93/2020/NĐ-CP"}]}
    # A choice added after the attempt started still shows (at the end); unknown ids are dropped.
    assert [c["id"] for c in t.public("", mc, {"order": ["a2", "zz"]})["choices"]] == ["a2", "a1", "a3", "a4"]
    html = stored(qs["HTML"])[3]
    assert t.public("", html, {})["choices"][1] == {"id": "a2", "text": "<không>", "format": "plain"}
    assert get_type("truefalse").public("", {}, {}) == {"choices": [
        {"id": "true", "text": "Đúng"}, {"id": "false", "text": "Sai"}]}
    for name in ("shortanswer", "numerical", "essay"):
        assert get_type(name).public("", {}, {}) == {}


# --------------------------------------------------------------------------- layout

@pytest.mark.parametrize("title", ["MC đơn", "MC nhiều", "Ghép"])
def test_layout_is_deterministic_and_complete(title):
    qtype, _t, _f, data, _g = stored(rich()[title])
    t = get_type(qtype)
    first = t.layout(data, random.Random(2025), True)
    assert first == t.layout(data, random.Random(2025), True)
    assert json.loads(json.dumps(first)) == first
    layouts = [t.layout(data, random.Random(seed), True) for seed in range(30)]
    key = "order" if qtype == "multichoice" else "stems"
    ids = [a["id"] for a in data["answers"]] if qtype == "multichoice" else \
        [p["id"] for p in data["pairs"] if p["stem"]]
    for lay in layouts:
        assert sorted(lay[key]) == sorted(ids) and len(lay[key]) == len(ids)
    assert len({tuple(lay[key]) for lay in layouts}) > 1  # really shuffled
    assert t.layout(data, random.Random(3), False)[key] == ids  # no shuffle: authored order


def test_matching_choices_always_shuffled_and_opaque():
    _qt, _t, _f, data, _g = stored(rich()["Ghép"])
    t = get_type("matching")
    all_choices = sorted(choice_id(p["match"]) for p in data["pairs"])
    orders = set()
    for seed in range(20):
        lay = t.layout(data, random.Random(seed), False)
        assert sorted(lay["choices"]) == all_choices
        orders.add(tuple(lay["choices"]))
    assert len(orders) > 1


def test_layout_empty_for_types_without_choices():
    for title in ("Đúng sai", "Ngắn", "Số", "Tự luận", "Mô tả"):
        qtype, _t, _f, data, _g = stored(rich()[title])
        assert get_type(qtype).layout(data, random.Random(1), True) == {}


# --------------------------------------------------------------------------- responses from forms

def test_response_from_form_every_type():
    qs = rich()
    mc, multi = stored(qs["MC đơn"])[3], stored(qs["MC nhiều"])[3]
    t = get_type("multichoice")
    assert t.response_from_form(MultiDict([("q1", "a2")]), "q1", mc, {}) == "a2"
    assert t.response_from_form(MultiDict([("q1", "zz")]), "q1", mc, {}) is None
    assert t.response_from_form(MultiDict(), "q1", mc, {}) is None
    assert t.response_from_form(MultiDict([("q2", "a2")]), "q1", mc, {}) is None  # other question
    form = MultiDict([("q1", "a3"), ("q1", "a1"), ("q1", "a3"), ("q1", "bogus")])
    assert t.response_from_form(form, "q1", multi, {}) == ["a1", "a3"]
    assert t.response_from_form(MultiDict(), "q1", multi, {}) is None

    tf = get_type("truefalse")
    assert tf.response_from_form(MultiDict({"q3": "false"}), "q3", {}, {}) == "false"
    assert tf.response_from_form(MultiDict({"q3": "maybe"}), "q3", {}, {}) is None

    sa = get_type("shortanswer")
    assert sa.response_from_form(MultiDict({"q4": "  DDC \r\n"}), "q4", {}, {}) == "DDC"
    assert sa.response_from_form(MultiDict({"q4": "   "}), "q4", {}, {}) is None
    num = get_type("numerical")
    assert num.response_from_form(MultiDict({"q5": "3,14"}), "q5", {}, {}) == "3,14"
    essay = get_type("essay")
    assert essay.response_from_form(MultiDict({"q6": "Dòng 1\r\nDòng 2"}), "q6", {}, {}) == "Dòng 1\nDòng 2"
    assert len(essay.response_from_form(MultiDict({"q6": "x" * 20000}), "q6", {}, {})) == types.MAX_TEXT

    m = stored(qs["Ghép"])[3]
    mt = get_type("matching")
    c1, c2 = choice_id("Những quy định chung"), choice_id("Điều khoản thi hành")
    form = MultiDict({"q7-a1": c1, "q7-a2": c2, "q7-a3": "", "q7-a4": c1, "q7-zz": c1})
    assert mt.response_from_form(form, "q7", m, {}) == {"a1": c1, "a2": c2}
    assert mt.response_from_form(MultiDict({"q7-a1": "a1"}), "q7", m, {}) is None


# --------------------------------------------------------------------------- responses from the API

def test_clean_response_accepts_good_shapes():
    qs = rich()
    mc, multi, m = stored(qs["MC đơn"])[3], stored(qs["MC nhiều"])[3], stored(qs["Ghép"])[3]
    t = get_type("multichoice")
    assert t.clean_response("a1", mc, {}) == "a1"
    assert t.clean_response(None, mc, {}) is None and t.clean_response("", mc, {}) is None
    assert t.clean_response(["a4", "a1", "a1"], multi, {}) == ["a1", "a4"]
    assert t.clean_response([], multi, {}) is None
    tf = get_type("truefalse")
    assert tf.clean_response(True, {}, {}) == "true" and tf.clean_response("false", {}, {}) == "false"
    assert get_type("shortanswer").clean_response("  RDA ", {}, {}) == "RDA"
    assert get_type("numerical").clean_response(3.5, {}, {}) == "3.5"
    assert get_type("numerical").clean_response("3,5", {}, {}) == "3,5"
    c1 = choice_id("Những quy định chung")
    assert get_type("matching").clean_response({"a2": c1, "a1": c1, "a3": None}, m, {}) == {"a1": c1, "a2": c1}
    assert get_type("essay").clean_response("x" * types.MAX_TEXT, {}, {}) == "x" * types.MAX_TEXT


@pytest.mark.parametrize("title, raw, message", [
    ("MC đơn", "a9", "mã đáp án không hợp lệ: a9"),
    ("MC đơn", ["a1"], "một mã đáp án"),
    ("MC đơn", 1, "một mã đáp án"),
    ("MC nhiều", "a1", "danh sách mã đáp án"),
    ("MC nhiều", ["a1", "x"], "mã đáp án không hợp lệ: x"),
    ("MC nhiều", [1, 2], "danh sách mã đáp án"),
    ("Đúng sai", "đúng", "\"true\" hoặc \"false\""),
    ("Đúng sai", 1, "\"true\" hoặc \"false\""),
    ("Ngắn", ["DDC"], "chuỗi văn bản"),
    ("Ngắn", 42, "chuỗi văn bản"),
    ("Ngắn", "x" * 10001, "quá dài"),
    ("Số", "1" * 101, "quá dài"),
    ("Số", {"v": 1}, "chuỗi văn bản"),
    ("Tự luận", "x" * 10001, "tối đa 10000 ký tự"),
    ("Tự luận", {"text": "x"}, "chuỗi văn bản"),
    ("Ghép", ["a1"], "bảng"),
    ("Ghép", {"a4": "c0"}, "mã câu không hợp lệ: a4"),  # the distractor is not a stem
    ("Ghép", {"a1": "a1"}, "mã lựa chọn không hợp lệ: a1"),
    ("Ghép", {"a1": 3}, "mã lựa chọn không hợp lệ"),
])
def test_clean_response_rejects_bad_shapes(title, raw, message):
    qtype, _t, _f, data, _g = stored(rich()[title])
    with pytest.raises(ValueError) as exc:
        get_type(qtype).clean_response(raw, data, {})
    assert message in str(exc.value)


# --------------------------------------------------------------------------- partials

class Collector(HTMLParser):
    """Inputs, selects, textareas and labels of a rendered partial."""

    def __init__(self):
        super().__init__()
        self.inputs, self.selects, self.textareas, self.label_for = [], {}, {}, set()
        self.fieldsets = self.legends = 0
        self.stack, self.in_label, self.select, self.textarea = [], 0, None, None
        self.attrs_seen = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.attrs_seen += [k for k, _v in attrs]
        if tag == "label":
            self.in_label += 1
            if "for" in a:
                self.label_for.add(a["for"])
        elif tag == "input":
            self.inputs.append(dict(a, _in_label=self.in_label > 0))
        elif tag == "select":
            self.select = a["name"]
            self.selects[self.select] = {"attrs": a, "options": [], "selected": None}
        elif tag == "option" and self.select:
            self.selects[self.select]["options"].append(a["value"])
            if "selected" in a:
                self.selects[self.select]["selected"] = a["value"]
        elif tag == "textarea":
            self.textarea = a["name"]
            self.textareas[self.textarea] = {"attrs": a, "text": ""}
        elif tag == "fieldset":
            self.fieldsets += 1
        elif tag == "legend":
            self.legends += 1

    def handle_endtag(self, tag):
        if tag == "label":
            self.in_label -= 1
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.textareas[self.textarea]["text"] += data


@pytest.fixture(scope="module")
def env():
    e = Environment(loader=FileSystemLoader(str(ROOT / "templates")), extensions=["jinja2.ext.i18n"],
                    autoescape=True)
    e.install_null_translations(newstyle=True)
    return e


def render(env, title, prefix="q12", response=None, disabled=False, review=None, layout=None):
    qtype, text, _f, data, _g = stored(rich()[title])
    t = get_type(qtype)
    public = t.public(text, data, layout if layout is not None else t.layout(data, random.Random(1), True))
    public["text_html"] = f"<p>{text}</p>"
    out = env.get_template(t.template).render(q=public, prefix=prefix, response=response,
                                              disabled=disabled, review=review)
    c = Collector()
    c.feed(out)
    assert "style=" not in out and "<script" not in out.lower()
    assert not [k for k in c.attrs_seen if k.startswith("on")]
    return out, c, data


def test_partial_multichoice_single(env):
    out, c, _d = render(env, "MC đơn", response="a2")
    assert c.fieldsets == 1 and c.legends == 1 and 'class="sr"' in out
    radios = [i for i in c.inputs if i["type"] == "radio"]
    assert {i["value"] for i in radios} == {"a1", "a2", "a3", "a4"}
    assert all(i["name"] == "q12" and i["_in_label"] for i in radios)
    assert [i["value"] for i in radios if "checked" in i] == ["a2"]
    assert not any("disabled" in i for i in radios)
    assert "<p>Luật Thư viện số mấy?</p>" in out
    assert "Chọn một đáp án." in out


def test_partial_multichoice_multiple_and_review(env):
    review = {"feedback": ["Đúng.", "Đây là tài sản."], "right_answer": "Các đáp án đúng là: …",
              "correct": {"a1": True, "a4": False}}
    out, c, _d = render(env, "MC nhiều", response=["a1", "a4"], disabled=True, review=review)
    boxes = [i for i in c.inputs if i["type"] == "checkbox"]
    assert len(boxes) == 4 and all(i["name"] == "q12" and i["_in_label"] for i in boxes)
    assert sorted(i["value"] for i in boxes if "checked" in i) == ["a1", "a4"]
    assert all("disabled" in i for i in boxes)
    assert "<li>Đây là tài sản.</li>" in out and "Các đáp án đúng là: …" in out
    assert "(đúng)" in out and "(sai)" in out


def test_partial_escapes_answer_text(env):
    out, _c, _d = render(env, "HTML")
    assert "&lt;không&gt;" in out and "<không>" not in out


def test_partial_truefalse(env):
    out, c, _d = render(env, "Đúng sai", prefix="q3", response="false")
    radios = [i for i in c.inputs if i["type"] == "radio"]
    assert [(i["name"], i["value"], "checked" in i) for i in radios] == [
        ("q3", "true", False), ("q3", "false", True)]
    assert all(i["_in_label"] for i in radios) and c.fieldsets == 1 and c.legends == 1
    assert "Đúng" in out and "Sai" in out


def test_partial_shortanswer(env):
    _out, c, _d = render(env, "Ngắn", prefix="q4", response='DD"C')
    [field] = c.inputs
    assert field["name"] == "q4" and field["type"] == "text" and field["value"] == 'DD"C'
    assert field["id"] in c.label_for


def test_partial_numerical(env):
    out, c, _d = render(env, "Số", prefix="q5", response="3,14", disabled=True,
                        review={"feedback": ["Rất tốt."], "right_answer": "Đáp án đúng là: 3,14"})
    [field] = c.inputs
    assert field["name"] == "q5" and field["inputmode"] == "decimal" and field["value"] == "3,14"
    assert field["id"] in c.label_for and "disabled" in field
    assert "<li>Rất tốt.</li>" in out and "Đáp án đúng là: 3,14" in out


def test_partial_matching(env):
    c1 = choice_id("Thành lập thư viện")
    out, c, data = render(env, "Ghép", prefix="q7", response={"a2": c1})
    assert c.fieldsets == 1 and c.legends == 1
    assert set(c.selects) == {"q7-a1", "q7-a2", "q7-a3"}
    for sel in c.selects.values():
        assert sel["attrs"]["id"] in c.label_for
        assert sel["options"][0] == "" and len(sel["options"]) == 5
    assert c.selects["q7-a2"]["selected"] == c1
    assert c.selects["q7-a1"]["selected"] is None
    assert "Chương II" in out


def test_partial_essay(env):
    _out, c, _d = render(env, "Tự luận", prefix="q8", response="Bài <b>làm</b>")
    [(name, area)] = c.textareas.items()
    assert name == "q8" and area["attrs"]["rows"] == "8" and area["attrs"]["id"] in c.label_for
    assert area["text"] == "Bài <b>làm</b>"  # escaped in the source, text once parsed
    assert c.inputs == []


def test_partial_unanswered_and_description(env):
    _out, c, _d = render(env, "MC đơn")
    assert not any("checked" in i for i in c.inputs)
    _out, c, _d = render(env, "Ghép")
    assert all(s["selected"] is None for s in c.selects.values())
    out, c, _d = render(env, "Mô tả", prefix="q9")
    assert c.inputs == [] and c.selects == {} and "Luật Thư viện" in out
