"""Tests for the GIFT parser/exporter (pure functions: no app, no database)."""
import dataclasses
import json
from collections import defaultdict
from pathlib import Path

import pytest

from elearn.quizzes.gift import Answer, GiftError, GiftResult, Question, export, parse

ROOT = Path(__file__).resolve().parents[2]
COURSE_FILES = sorted(ROOT.glob("courses/**/*.gift"))


def one(src):
    """Parse a source holding exactly one valid question."""
    result = parse(src)
    assert result.errors == [], result.errors
    assert len(result.questions) == 1
    return result.questions[0]


def error_of(src):
    """Parse a source holding exactly one bad question; return its error."""
    result = parse(src)
    assert result.questions == []
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


def without_lines(questions):
    return [dataclasses.replace(q, line=0) for q in questions]


def assert_round_trip(src):
    first = parse(src)
    assert first.errors == [], first.errors
    text = export(first.questions)
    second = parse(text)
    assert second.errors == [], (second.errors, text)
    assert without_lines(second.questions) == without_lines(first.questions), text
    # Exporting again gives the same text (the output is canonical).
    assert export(second.questions) == text
    return first.questions


# --------------------------------------------------------------------------- multiple choice

def test_multichoice_single_answer():
    q = one("Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}")
    assert q.qtype == "multichoice"
    assert q.multiple is False and q.missing_word is False
    assert q.text == "Who's buried in Grant's tomb?"
    assert q.text_format == "moodle" and q.title is None and q.category is None
    assert [(a.text, a.weight) for a in q.answers] == [("Grant", 0), ("Jefferson", 0), ("no one", 100)]


def test_multichoice_answers_on_separate_indented_lines():
    q = one("Japanese characters originally came from what country? {\n    ~India\n    =China\n"
            "    ~Korea\n    ~Egypt}")
    assert q.qtype == "multichoice"
    assert [a.text for a in q.answers] == ["India", "China", "Korea", "Egypt"]
    assert q.text == "Japanese characters originally came from what country?"


def test_multichoice_partial_credit_stays_single_answer():
    q = one("Difficult question.{~wrong answer ~%50%half credit answer =full credit answer}")
    assert q.qtype == "multichoice" and q.multiple is False
    assert [a.weight for a in q.answers] == [0, 50, 100]


def test_multichoice_feedback_per_answer_and_general_feedback():
    q = one("What's the answer?{\n~wrong answer#feedback on the wrong answer\n"
            "~another wrong answer   #  another comment\n=right answer#Very good!\n"
            "####General feedback here.}")
    assert [(a.text, a.feedback) for a in q.answers] == [
        ("wrong answer", "feedback on the wrong answer"),
        ("another wrong answer", "another comment"),
        ("right answer", "Very good!"),
    ]
    assert q.general_feedback == "General feedback here."


@pytest.mark.parametrize("block, weights", [
    ("{~No one ~%50%Grant ~%50%Grant's wife ~Grant's father}", [0, 50, 50, 0]),
    ("{~%-50%No one ~%50%Grant ~%50%Grant's wife ~%-50%Grant's father}", [-50, 50, 50, -50]),
    ("{~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-100%d}", [33.33333, 33.33333, 33.33333, -100]),
    ("{~%25%a ~%25%b ~%25%c ~%25%d ~%-100%e}", [25, 25, 25, 25, -100]),
])
def test_multiple_answers(block, weights):
    q = one("What two people are entombed in Grant's tomb? " + block)
    assert q.qtype == "multichoice" and q.multiple is True
    assert [a.weight for a in q.answers] == weights


def test_weights_accept_decimals_and_negative_values():
    q = one("Q?{=right ~%-33.5%bad ~%12.25%meh}")
    assert [a.weight for a in q.answers] == [100, -33.5, 12.25]


# --------------------------------------------------------------------------- true / false

@pytest.mark.parametrize("mark, correct", [("T", True), ("TRUE", True), ("F", False), ("FALSE", False)])
def test_truefalse(mark, correct):
    q = one(f"The sun rises in the east.{{{mark}}}")
    assert q.qtype == "truefalse"
    assert [a.text for a in q.answers] == ["true", "false"]
    right = [a.text for a in q.answers if a.weight == 100]
    assert right == (["true"] if correct else ["false"])


def test_truefalse_feedback_wrong_then_right():
    q = one("Grant is buried in Grant's tomb.{T#wrong fb#right fb}")
    true, false = q.answers
    assert (true.weight, true.feedback) == (100, "right fb")
    assert (false.weight, false.feedback) == (0, "wrong fb")

    q = one("Grant is buried in Grant's tomb.{FALSE#No one is buried in Grant's tomb.}")
    true, false = q.answers
    assert (true.weight, true.feedback) == (0, "No one is buried in Grant's tomb.")
    assert (false.weight, false.feedback) == (100, "")


def test_truefalse_with_general_feedback_only():
    q = one("Luật Thư viện thay thế Pháp lệnh Thư viện năm 2000.{T\n####Đúng.}")
    assert q.qtype == "truefalse" and q.general_feedback == "Đúng."
    q = one("Ổ khóa chứng tỏ trang web đáng tin cậy.{F####Sai.}")
    assert q.qtype == "truefalse" and q.answers[1].weight == 100 and q.general_feedback == "Sai."


# --------------------------------------------------------------------------- short answer

def test_shortanswer():
    q = one("Who's buried in Grant's tomb?{=no one =nobody}")
    assert q.qtype == "shortanswer"
    assert [(a.text, a.weight) for a in q.answers] == [("no one", 100), ("nobody", 100)]


def test_shortanswer_weights_and_feedback():
    q = one("::Jesus' hometown:: Jesus Christ was from {\n=Nazareth#Yes! That's right!\n"
            "=%75%Nazereth#Right, but misspelled.\n=%25%Bethlehem#He was born here.\n}.")
    assert q.qtype == "shortanswer" and q.title == "Jesus' hometown"
    assert [(a.text, a.weight, a.feedback) for a in q.answers] == [
        ("Nazareth", 100, "Yes! That's right!"),
        ("Nazereth", 75, "Right, but misspelled."),
        ("Bethlehem", 25, "He was born here."),
    ]
    assert q.missing_word is True and q.text == "Jesus Christ was from _____."


def test_shortanswer_single_answer_without_equal_sign():
    q = one("Two plus two equals?{four}")
    assert q.qtype == "shortanswer" and [(a.text, a.weight) for a in q.answers] == [("four", 100)]


# --------------------------------------------------------------------------- numerical

def test_numerical_with_tolerance():
    q = one("What is pi?{#3.14:0.01}")
    assert q.qtype == "numerical"
    (a,) = q.answers
    assert (a.value, a.tolerance, a.min, a.max, a.weight) == (3.14, 0.01, None, None, 100)
    assert a.text == "3.14:0.01"


def test_numerical_exact_value_has_zero_tolerance():
    (a,) = one("When was Ulysses S. Grant born? {#1822}").answers
    assert (a.value, a.tolerance, a.text) == (1822, 0, "1822")


def test_numerical_range():
    (a,) = one("What is a number from 1 to 5? {#1..5}").answers
    assert (a.min, a.max, a.value, a.tolerance, a.text) == (1, 5, None, None, "1..5")
    (a,) = one("Negative range {#-5..-1.5}").answers
    assert (a.min, a.max) == (-5, -1.5)


def test_numerical_multiple_answers_with_weights_and_feedback():
    q = one("What is pi?{# =%100%3.14:0.005 =%50%3.1:0.1 }")
    assert [(a.value, a.tolerance, a.weight) for a in q.answers] == [(3.14, 0.005, 100), (3.1, 0.1, 50)]
    q = one("When was Ulysses S. Grant born? {#\n     =1822:0      #Correct! 100% credit\n"
            "     =%50%1822:2  #He was born in 1822.\n}")
    assert [(a.value, a.tolerance, a.weight, a.feedback) for a in q.answers] == [
        (1822, 0, 100, "Correct! 100% credit"), (1822, 2, 50, "He was born in 1822.")]


def test_numerical_catch_all_wrong_feedback():
    q = one("Two plus two?{#4#Right! ~#Count again.}")
    assert [(a.text, a.weight, a.feedback) for a in q.answers] == [
        ("4", 100, "Right!"), ("*", 0, "Count again.")]
    assert q.answers[1].value is None


def test_numerical_exponent_and_sign():
    (a,) = one("Avogadro?{#6.022e23:1e21}").answers
    assert (a.value, a.tolerance) == (6.022e23, 1e21)
    (a,) = one("Below zero?{#-40}").answers
    assert a.value == -40


# --------------------------------------------------------------------------- matching

def test_matching():
    q = one("Match the following countries with their capitals. {\n    =Canada -> Ottawa\n"
            "    =Italy  -> Rome\n    =Japan  -> Tokyo\n    =India  -> New Delhi\n    }")
    assert q.qtype == "matching"
    assert [(a.text, a.match) for a in q.answers] == [
        ("Canada", "Ottawa"), ("Italy", "Rome"), ("Japan", "Tokyo"), ("India", "New Delhi")]


def test_matching_without_spaces_and_with_two_pairs():
    q = one("Match the following countries with their corresponding\ncapitals.{=Canada->Ottawa =Italy->Rome}")
    assert q.qtype == "matching" and len(q.answers) == 2
    assert q.text == "Match the following countries with their corresponding\ncapitals."


def test_matching_keeps_vietnamese_and_escapes():
    q = one("Ghép trường con.{\n=$a -> Chủ đề chính\n=$x -> Phụ đề chung\n=filetype\\:pdf -> Tệp PDF\n}")
    assert [(a.text, a.match) for a in q.answers] == [
        ("$a", "Chủ đề chính"), ("$x", "Phụ đề chung"), ("filetype:pdf", "Tệp PDF")]


# --------------------------------------------------------------------------- missing word, essay, description

def test_missing_word_multichoice():
    q = one("Grant is {~buried =entombed ~living} in Grant's tomb.")
    assert q.qtype == "multichoice" and q.missing_word is True
    assert q.text == "Grant is _____ in Grant's tomb."
    assert [a.text for a in q.answers if a.weight == 100] == ["entombed"]


def test_missing_word_multiline_block():
    q = one("The American holiday of Thanksgiving is celebrated on the {\n    ~second\n    ~third\n"
            "    =fourth\n} Thursday of November.")
    assert q.missing_word is True
    assert q.text == "The American holiday of Thanksgiving is celebrated on the _____ Thursday of November."


def test_missing_word_shortanswer():
    q = one("Two plus {=two =2} equals four.")
    assert q.qtype == "shortanswer" and q.missing_word is True and q.text == "Two plus _____ equals four."


def test_answer_block_at_the_end_is_not_missing_word():
    q = one("Who's buried in Grant's tomb?{=no one}\n")
    assert q.missing_word is False and "_____" not in q.text


def test_essay():
    q = one("Write a short biography of Dag Hammarskjöld. {}")
    assert q.qtype == "essay" and q.answers == [] and q.text == "Write a short biography of Dag Hammarskjöld."


def test_essay_with_general_feedback():
    q = one("Hãy biên mục cuốn sách sau.{\n####Gợi ý chấm\\: trường 245.\n}")
    assert q.qtype == "essay" and q.general_feedback == "Gợi ý chấm: trường 245."


def test_description():
    q = one("You can use your pencil and paper for these next math questions.")
    assert q.qtype == "description" and q.answers == []
    q = one("::Intro::Phần tiếp theo nói về\nLuật Thư viện.")
    assert q.qtype == "description" and q.title == "Intro"
    assert q.text == "Phần tiếp theo nói về\nLuật Thư viện."


# --------------------------------------------------------------------------- titles, formats, escapes

def test_title_is_optional_and_unescaped():
    q = one("::Điều 3\\: khái niệm::Theo Điều 3, thư viện là gì?{=thiết chế ~cửa hàng}")
    assert q.title == "Điều 3: khái niệm" and q.text == "Theo Điều 3, thư viện là gì?"
    q = one("::Kanji Origins::Japanese characters originally\ncame from what country? {=China}")
    assert q.title == "Kanji Origins" and q.text == "Japanese characters originally\ncame from what country?"


@pytest.mark.parametrize("fmt", ["html", "moodle", "plain", "markdown"])
def test_text_format_prefix(fmt):
    q = one(f"::T::[{fmt}]Who's buried in **Grant's tomb**?{{=no one}}")
    assert q.text_format == fmt and q.text == "Who's buried in **Grant's tomb**?"


def test_unknown_bracket_prefix_stays_in_text():
    q = one("[Ghi chú] Câu hỏi?{T}")
    assert q.text_format == "moodle" and q.text == "[Ghi chú] Câu hỏi?"


def test_answer_format_prefix():
    q = one("[html]Pick <b>one</b>{=[html]<i>yes</i> ~no}")
    assert q.text_format == "html"
    assert [(a.text, a.text_format) for a in q.answers] == [("<i>yes</i>", "html"), ("no", None)]


def test_escapes_are_unescaped():
    q = one(r"Which answer equals 5? { ~ \= 2 + 2  = \= 2 + 3  ~ \= 2 + 4 }")
    assert q.qtype == "multichoice"
    assert [(a.text, a.weight) for a in q.answers] == [("= 2 + 2", 0), ("= 2 + 3", 100), ("= 2 + 4", 0)]


def test_every_escape():
    q = one(r"Tilde \~ equals \= hash \# braces \{\} colon \: backslash \\ line\nbreak{=a\~b\#c#fb \{x\}}")
    assert q.text == "Tilde ~ equals = hash # braces {} colon : backslash \\ line\nbreak"
    assert (q.answers[0].text, q.answers[0].feedback) == ("a~b#c", "fb {x}")
    # An escaped backslash does not escape the next character; unknown escapes stay as written.
    q = one(r"Path C\\new and \d{=ok}")
    assert q.text == "Path C\\new and \\d"


def test_gift_control_characters_example():
    q = one("::GIFT Control Characters::\nWhich of the following is NOT a control character? {\n"
            "   ~ \\~     # \\~ is a control character.\n   ~ \\=     # \\= is a control character.\n"
            "   ~ \\#     # \\# is a control character.\n   ~ \\{     # \\{ is a control character.\n"
            "   ~ \\}     # \\} is a control character.\n   = \\\\     # Correct! \\\\ (backslash) is "
            "not a control character.\n}")
    assert [a.text for a in q.answers] == ["~", "=", "#", "{", "}", "\\"]
    assert q.answers[5].weight == 100 and q.answers[2].feedback == "# is a control character."


def test_comments_are_ignored_and_do_not_split_questions():
    src = ("// a comment\n//another\n"
           "::Q1::Câu một?{\n// comment inside the block\n=đúng\n~sai\n}\n"
           "\n  // indented comment\n"
           "Câu hai?{T}\n")
    r = parse(src)
    assert r.errors == []
    assert [q.title for q in r.questions] == ["Q1", None]
    assert [a.text for a in r.questions[0].answers] == ["đúng", "sai"]
    assert [q.line for q in r.questions] == [3, 10]
    # A comment line is not a blank line: without one, two questions run together.
    assert "nhiều hơn một khối" in error_of("Q1{T}\n// comment\nQ2{F}").message


def test_questions_are_separated_by_blank_lines():
    r = parse("Q1{T}\n\n\n   \nQ2{F}\n\nQ3{=a}")
    assert [q.text for q in r.questions] == ["Q1", "Q2", "Q3"]
    assert [q.line for q in r.questions] == [1, 5, 7]


def test_crlf_and_bom():
    r = parse("\ufeff::A::Câu?{T}\r\n\r\n::B::Câu?{\r\n=x\r\n~y\r\n}\r\n")
    assert r.errors == [] and [q.title for q in r.questions] == ["A", "B"]
    assert [a.text for a in r.questions[1].answers] == ["x", "y"]


# --------------------------------------------------------------------------- categories

def test_categories():
    src = ("Trước mọi danh mục{T}\n\n"
           "$CATEGORY: phap-luat-thu-vien/01-tong-quan-luat\n\n"
           "Q1{T}\n\nQ2{F}\n\n"
           "$CATEGORY:  tom / dick/harry \n"
           "Q3{T}\n\n"
           "$CATEGORY:\n\nQ4{T}\n")
    r = parse(src)
    assert r.errors == []
    assert [q.category for q in r.questions] == [
        None,
        ["phap-luat-thu-vien", "01-tong-quan-luat"],
        ["phap-luat-thu-vien", "01-tong-quan-luat"],
        ["tom", "dick", "harry"],
        None,
    ]


def test_category_line_right_after_a_question_ends_it():
    r = parse("::A::Năm 2017, {=X ~Y} đã xuất bản.\n$CATEGORY: b/c\n\n::B::Câu?{T}")
    assert r.errors == []
    assert [(q.title, q.category) for q in r.questions] == [("A", None), ("B", ["b", "c"])]


# --------------------------------------------------------------------------- errors

@pytest.mark.parametrize("src, message", [
    ("Câu hỏi {=a ~b", "thiếu dấu } đóng khối đáp án"),
    ("Câu hỏi {=a ~b\n~c {=d}", "thiếu dấu } đóng khối đáp án"),
    ("Câu hỏi =a ~b}", "thiếu dấu { mở khối đáp án"),
    ("Câu hỏi } ngược {=a}", "thiếu dấu { mở khối đáp án"),
    ("Câu 1{T}\nCâu 2{F}", "nhiều hơn một khối đáp án"),
    ("::Tiêu đề chưa đóng Câu hỏi?{T}", "thiếu dấu :: đóng tiêu đề"),
    ("{=a ~b}", "nội dung câu hỏi trống"),
    ("::Chỉ có tiêu đề::", "nội dung câu hỏi trống"),
    ("::T:: [html] {T}", "nội dung câu hỏi trống"),
    ("Câu hỏi?{~a ~b ~c}", "câu hỏi nhiều lựa chọn không có đáp án đúng"),
    ("Câu hỏi?{=%50%a ~b ~c}", "câu hỏi nhiều lựa chọn không có đáp án đúng"),
    ("Câu hỏi?{~%50%a ~%30%b ~c}", "tổng trọng số các đáp án đúng phải bằng 100% (hiện là 80%)"),
    ("Câu hỏi?{~%60%a ~%60%b ~c}", "tổng trọng số các đáp án đúng phải bằng 100% (hiện là 120%)"),
    ("Câu hỏi?{~%100%a}", "cần ít nhất 2 đáp án"),
    ("Câu hỏi?{=a ~}", "có đáp án không có nội dung"),
    ("Câu hỏi?{=a ~%abc%b}", "trọng số không hợp lệ"),
    ("Câu hỏi?{=a ~%50b}", "trọng số không hợp lệ"),
    ("Câu hỏi?{=a ~%150%b}", "trọng số không hợp lệ: 150%"),
    ("Câu hỏi?{=a ~%-101%b}", "trọng số không hợp lệ"),
    ("Câu hỏi?{=%120%a}", "trọng số không hợp lệ"),
    ("Câu hỏi?{=%50%a =%20%b}", "không có đáp án đúng 100%"),
    ("Ghép?{=a -> b}", "cần ít nhất 2 cặp"),
    ("Ghép?{=a -> b =c -> d =e}", "cặp ghép thiếu dấu ->"),
    ("Ghép?{=a -> b =c -> }", "thiếu vế phải"),
    ("Ghép?{x =a -> b =c -> d}", "phải bắt đầu bằng dấu ="),
    ("Số?{#abc}", "giá trị số không hợp lệ: 'abc'"),
    ("Số?{#3,14}", "giá trị số không hợp lệ"),
    ("Số?{#3.14:xyz}", "giá trị số không hợp lệ: 'xyz'"),
    ("Số?{#1..abc}", "giá trị số không hợp lệ"),
    ("Số?{#nan}", "giá trị số không hợp lệ"),
    ("Số?{#5..1}", "khoảng số không hợp lệ"),
    ("Số?{#3:-1}", "sai số không được âm"),
    ("Số?{#=%200%3}", "trọng số không hợp lệ"),
    ("Số?{#}", "câu hỏi số không có đáp án"),
])
def test_errors(src, message):
    err = error_of(src)
    assert isinstance(err, GiftError)
    assert message in err.message
    assert err.line == 1


def test_error_line_numbers_and_parsing_continues():
    src = ("// header comment\n"             # 1
           "$CATEGORY: a/b\n"                # 2
           "\n"                              # 3
           "::OK1::Câu đúng?{=a ~b}\n"       # 4
           "\n"                              # 5
           "// comment before a bad one\n"   # 6
           "::BAD1::Thiếu đóng{\n"           # 7
           "=a\n"                            # 8
           "~b\n"                            # 9
           "\n"                              # 10
           "::OK2::Câu đúng?{T}\n"           # 11
           "\n"                              # 12
           "::BAD2::Không đúng?{~a ~b}\n"    # 13
           "\n"                              # 14
           "::BAD3::Trọng số?{=a ~%abc%b}\n" # 15
           "\n"                              # 16
           "::OK3::Số?{#42}\n")              # 17
    r = parse(src)
    assert isinstance(r, GiftResult) and not r.ok
    assert [(q.title, q.line) for q in r.questions] == [("OK1", 4), ("OK2", 11), ("OK3", 17)]
    assert [e.line for e in r.errors] == [7, 13, 15]
    assert "thiếu dấu } đóng khối đáp án" in r.errors[0].message
    assert "câu hỏi nhiều lựa chọn không có đáp án đúng" in r.errors[1].message
    assert "trọng số không hợp lệ" in r.errors[2].message
    assert str(r.errors[0]).startswith("dòng 7: ")
    assert all(q.category == ["a", "b"] for q in r.questions)


def test_unclosed_brace_reports_each_blank_line_separated_piece():
    # Questions never span blank lines, so a "}" after a blank line is its own (bad) block.
    r = parse("Câu {\n=a\n\n=b}\n\nCâu tốt?{T}")
    assert [e.line for e in r.errors] == [1, 4]
    assert [q.text for q in r.questions] == ["Câu tốt?"]


def test_empty_input():
    r = parse("")
    assert r.questions == [] and r.errors == [] and r.ok
    assert parse("// only comments\n\n$CATEGORY: x\n").questions == []


# --------------------------------------------------------------------------- Moodle documentation examples

MOODLE_EXAMPLES = r"""// Examples in the style of Moodle's GIFT documentation and examples.txt.

Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}

Grant is {~buried =entombed ~living} in Grant's tomb.

Grant is buried in Grant's tomb.{FALSE}

Who's buried in Grant's tomb?{=no one =nobody}

When was Ulysses S. Grant born?{#1822:1}

// ===Multiple Choice===
The American holiday of Thanksgiving is celebrated on the {
    ~second
    ~third
    =fourth
} Thursday of November.

Japanese characters originally came from what country? {
    ~India
    =China
    ~Korea
    ~Egypt}

// ===Short Answer===
Two plus two equals {=four =4}.

// ===True-False===
The sun rises in the east.{T}

// ===Matching===
Matching Question. {
    =subquestion1 -> subanswer1
    =subquestion2 -> subanswer2
    =subquestion3 -> subanswer3
    }

// ===Numerical===
What is the value of pi (to 3 decimal places)? {#3.1415:0.0005}.

What is the value of pi (to 3 decimal places)? {#3.141..3.142}.

When was Ulysses S. Grant born? {#
    =1822:0
    =%50%1822:2}

// Subheading: Numerical questions below
What's 2 plus 2? {#4}

::Thanksgiving Date::The American holiday of Thanksgiving is
celebrated on the {~second ~third =fourth} Thursday of November.

// ===Percentage Answer Weights===
::Jesus' hometown::Jesus Christ was from {
    ~Jerusalem#This was an important city, but the wrong answer.
    ~%25%Bethlehem#He was born here, but not raised here.
    ~%50%Galilee#You need to be more specific.
    =Nazareth#Yes! That's right!}.

// ===Multiple Answers===
What two people are entombed in Grant's tomb? {
    ~%-100%No one
    ~%50%Grant
    ~%50%Grant's wife
    ~%-100%Grant's father }

// Quick examples
::Q1:: 1+1=2 {T}

::Q2:: What's between orange and green in the spectrum?
{ =yellow # right; good! ~red # wrong, it's yellow ~blue # wrong, it's yellow }

::Q3:: Two plus {=two =2} equals four.

::Q4:: Which animal eats which food? { =cat -> cat food =dog -> dog food }

::Q5:: What is a number from 1 to 5? {#3:2}

::Q6:: What is a number from 1 to 5? {#1..5}

$CATEGORY: tom/dick/harry

Write a short biography of Dag Hammarskjöld. {}

You can use your pencil and paper for these next math questions.

::Numerical example::
When was Ulysses S. Grant born? {#
     =1822:0      #Correct! 100% credit
     =%50%1822:2  #He was born in 1822.
                  You get 50% credit for being close.
}
"""

MOODLE_EXPECTED = [  # (qtype, number of answers, missing_word)
    ("multichoice", 3, False), ("multichoice", 3, True), ("truefalse", 2, False),
    ("shortanswer", 2, False), ("numerical", 1, False), ("multichoice", 3, True),
    ("multichoice", 4, False), ("shortanswer", 2, True), ("truefalse", 2, False),
    ("matching", 3, False), ("numerical", 1, True), ("numerical", 1, True),
    ("numerical", 2, False), ("numerical", 1, False), ("multichoice", 3, True),
    ("multichoice", 4, True), ("multichoice", 4, False), ("truefalse", 2, False),
    ("multichoice", 3, False), ("shortanswer", 2, True), ("matching", 2, False),
    ("numerical", 1, False), ("numerical", 1, False), ("essay", 0, False),
    ("description", 0, False), ("numerical", 2, False),
]


def test_moodle_examples_parse_with_right_types_and_counts():
    r = parse(MOODLE_EXAMPLES)
    assert r.errors == []
    got = [(q.qtype, len(q.answers), q.missing_word) for q in r.questions]
    assert got == MOODLE_EXPECTED
    by_title = {q.title: q for q in r.questions if q.title}
    assert by_title["Q1"].text == "1+1=2" and by_title["Q1"].answers[0].weight == 100
    assert by_title["Q5"].answers[0].value == 3 and by_title["Q5"].answers[0].tolerance == 2
    assert by_title["Q6"].answers[0].min == 1 and by_title["Q6"].answers[0].max == 5
    assert [a.weight for a in by_title["Jesus' hometown"].answers] == [0, 25, 50, 100]
    multiple = [q for q in r.questions if q.multiple]
    assert len(multiple) == 1 and [a.weight for a in multiple[0].answers] == [-100, 50, 50, -100]
    assert r.questions[-1].category == ["tom", "dick", "harry"]
    assert r.questions[-1].answers[1].feedback == (
        "He was born in 1822.\n                  You get 50% credit for being close.")


def test_moodle_examples_round_trip():
    assert_round_trip(MOODLE_EXAMPLES)


# --------------------------------------------------------------------------- export and round trip

VIETNAMESE = r"""$CATEGORY: phap-luat-thu-vien/01-tong-quan-luat

::M1-02 Ngày có hiệu lực::Luật Thư viện số 46/2019/QH14 có hiệu lực từ ngày nào?{
=01/7/2020#Đúng.
~21/11/2019#Đây là ngày Luật được thông qua.
~05/10/2020
}

::M1-10 Khái niệm::Điều 3\: thư viện là thiết chế gì?{
=Văn hóa, thông tin, giáo dục, khoa học
~Chỉ là kho lưu giữ sách
####Điều 3 khoản 1\: thư viện là thiết chế văn hóa \{...\}.}

::M1-11 Tài nguyên::Những gì là tài nguyên thông tin? (Chọn tất cả){
~%33.33333%Tài liệu in
~%33.33333%Tài liệu số
~%33.33333%Tài liệu nghe, nhìn
~%-100%Bàn ghế#Đây là tài sản \= trang thiết bị.
}

::M1-07 Văn bản bị thay thế::Luật thay thế Pháp lệnh số 31/2000/PL-UBTVQH10.{T#Sai rồi.#Đúng.####Hiệu lực 01/4/2001.}

::M1-04 Số điều::Luật có bao nhiêu điều?{#52}

$CATEGORY: phap-luat-thu-vien/02-mang-luoi-thu-vien

::M2-08 Sai số::Giá trị?{#
=%100%3.14:0.005#Rất tốt
=%50%3.1:0.1#Gần đúng
~#Sai
####Số pi.}

::M2-09 Khoảng::Một số từ 1 đến 5?{#1..5}

::M2-10 Ghép::Ghép văn bản với ngày hiệu lực.{
=Luật Thư viện số 46/2019/QH14 -> 01/7/2020
=Nghị định 93/2020/NĐ-CP -> 05/10/2020
=Pháp lệnh Thư viện -> 01/4/2001
####Xem lại bài 1\: tổng quan.
}

::M2-11 Ngày Sách::Ngày {=21 tháng 4 ~1 tháng 7 ~5 tháng 10} hằng năm là Ngày Sách và Văn hóa đọc Việt Nam.

::M2-12 Điền số::Điền ngày/tháng.{
=21/4
=%50%21-4#Gần đúng\: nên dùng dấu /.
}

::M2-13 Bài luận::Hãy viết kế hoạch (1) căn cứ; (2) hoạt động.{}

::M2-14 Bài luận có gợi ý::Biên mục cuốn sách.{####Gợi ý chấm\: trường 245 \= nhan đề.}

$CATEGORY: ung-dung-cntt-internet/01-tim-kiem

[html]<p>Tìm trong trang <b>.gov.vn</b>?</p>{=site\:gov.vn#Đúng. ~filetype\:pdf}

[markdown]Mô tả **ngắn**\ndòng hai.

::Tiêu đề \{lạ\} \# \~ \= \\::Dấu gạch chéo ngược \\ và dòng mới\n ở giữa?{
=[plain]a\\b
~[html]<i>c</i>#Phản hồi có dấu \# và \~
}
"""


def test_round_trip_every_type_with_vietnamese_text():
    questions = assert_round_trip(VIETNAMESE)
    kinds = {q.qtype for q in questions}
    assert kinds == {"multichoice", "truefalse", "shortanswer", "numerical", "matching", "essay",
                     "description"}
    assert any(q.missing_word for q in questions) and any(q.multiple for q in questions)
    assert questions[0].text == "Luật Thư viện số 46/2019/QH14 có hiệu lực từ ngày nào?"
    assert questions[1].text == "Điều 3: thư viện là thiết chế gì?"
    assert questions[1].general_feedback == "Điều 3 khoản 1: thư viện là thiết chế văn hóa {...}."
    assert questions[-1].title == "Tiêu đề {lạ} # ~ = \\"
    assert questions[-1].text == "Dấu gạch chéo ngược \\ và dòng mới\n ở giữa?"


@pytest.mark.parametrize("src", [
    "Q?{=a ~b}",
    "Q?{~%50%a ~%50%b ~c}",
    "Q?{=%100%%50 off ~%50 on}".replace("~%50 on", "~%0%%50 on"),
    "Q?{=a =%33.5%b}",
    "Q?{TRUE##right only}",
    "Q?{F#wrong only}",
    "Q?{#-3.5:0.25}",
    "Q?{#1e-07}",
    "Q?{=a -> b =c -> d = -> distractor}",
    "[plain]// not a comment{T}",
    "[moodle][html] is literal text{T}",
    "::T::[html]<b>x</b> _____ literal, then {=gap ~other} here.",
    "Grant is buried.{T}\n\n$CATEGORY: x/y\n\nQ?{F}\n\n$CATEGORY:\n\nQ3?{T}",
])
def test_round_trip_edge_cases(src):
    assert_round_trip(src)


@pytest.mark.parametrize("path", COURSE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_round_trip_course_files(path):
    assert_round_trip(path.read_text(encoding="utf-8"))


def test_export_writes_category_lines_only_when_the_category_changes():
    r = parse("$CATEGORY: a/b\n\nQ1{T}\n\nQ2{F}\n\n$CATEGORY: a/c\n\nQ3{T}\n\n$CATEGORY: a/b\n\nQ4{T}")
    text = export(r.questions)
    assert text.count("$CATEGORY:") == 3
    assert text.startswith("$CATEGORY: a/b\n\nQ1{TRUE}\n\nQ2{FALSE}\n\n$CATEGORY: a/c\n\n")


def test_export_escapes_titles_text_and_answers():
    q = Question("multichoice", "Điều 3: a = b {c} ~d #e \\ f\ng", title="T: 1",
                 answers=[Answer("x=y", 100, "fb: #1"), Answer("~z", 0)])
    text = export([q])
    assert text == ("::T\\: 1::Điều 3\\: a \\= b \\{c\\} \\~d \\#e \\\\ f\\ng{\n"
                    "\t=x\\=y#fb\\: \\#1\n\t~\\~z\n}\n")
    assert without_lines(parse(text).questions) == [q]


def test_export_of_hand_built_questions():
    questions = [
        Question("truefalse", "Đúng không?", category=["c"],
                 answers=[Answer("true", 0, "sai"), Answer("false", 100, "đúng")]),
        Question("numerical", "Số pi?", category=["c"],
                 answers=[Answer("", 100, value=3.14, tolerance=0.01), Answer("", 50, min=3, max=3.5)]),
        Question("matching", "Ghép", category=["c"],
                 answers=[Answer("a", 100, match="1"), Answer("b", 100, match="2")]),
    ]
    text = export(questions)
    assert "{FALSE#sai#đúng}" in text and "=3.14:0.01" in text and "=%50%3..3.5" in text
    parsed = parse(text).questions
    assert [a.text for a in parsed[1].answers] == ["3.14:0.01", "3..3.5"]
    assert [(a.text, a.match) for a in parsed[2].answers] == [("a", "1"), ("b", "2")]


def test_export_empty():
    assert export([]) == ""


# --------------------------------------------------------------------------- key and to_dict

def test_key_is_stable_and_uses_category_and_title_or_text():
    a = one("$CATEGORY: x/y\n::Tiêu đề  Một::Câu hỏi?{T}")
    b = one("$CATEGORY: x/y\n\n::tiêu đề một::Nội dung khác?{=a ~b}")
    c = one("$CATEGORY: x/z\n::Tiêu đề Một::Câu hỏi?{T}")
    d = one("$CATEGORY: x/y\nCâu   hỏi không tiêu đề?{T}")
    e = one("$CATEGORY: x/y\ncâu hỏi không tiêu đề?{F}")
    assert a.key() == b.key() != c.key()
    assert d.key() == e.key() != a.key()
    assert a.key() == a.key() and len(a.key()) == 40
    assert parse(export([a])).questions[0].key() == a.key()


def test_to_dict_is_json_serialisable():
    q = one("$CATEGORY: a/b\n::T::Số?{#1..5#ok}")
    d = q.to_dict()
    assert d["qtype"] == "numerical" and d["category"] == ["a", "b"] and d["line"] == 2
    assert d["answers"][0] == {"text": "1..5", "weight": 100.0, "feedback": "ok", "match": None,
                               "value": None, "tolerance": None, "min": 1.0, "max": 5.0,
                               "text_format": None}
    assert json.loads(json.dumps(d, ensure_ascii=False)) == d


# --------------------------------------------------------------------------- the real course files

def test_course_files_exist():
    assert COURSE_FILES, "no courses/**/*.gift files found"


@pytest.mark.parametrize("path", COURSE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_course_file_parses_without_errors(path):
    result = parse(path.read_text(encoding="utf-8"))
    assert result.errors == [], [str(e) for e in result.errors]
    assert result.questions
    assert all(q.category for q in result.questions)


def _by_course():
    courses = defaultdict(list)
    for path in COURSE_FILES:
        course = path.relative_to(ROOT / "courses").parts[0]
        courses[course].extend(parse(path.read_text(encoding="utf-8")).questions)
    return courses


def test_each_course_has_at_least_40_questions():
    courses = _by_course()
    assert courses
    for course, questions in courses.items():
        assert len(questions) >= 40, f"{course}: {len(questions)} câu hỏi"


def test_course_question_keys_are_unique_within_a_course():
    for course, questions in _by_course().items():
        keys = [q.key() for q in questions]
        assert len(keys) == len(set(keys)), course


@pytest.mark.parametrize("src", [
    "::Q:: Trời xanh. {\n// đúng hay sai?\nT\n// ghi chú\n}",
    "::Q:: Trời xanh. {// đúng hay sai?\nT\n}",
    "::Q:: Trời xanh. {\n  T  // đúng\n}",
    "::Q:: Trời xanh. {TRUE // đúng}",
])
def test_comments_inside_the_answer_braces_keep_true_false(src):
    q = parse(src).questions[0]
    assert q.qtype == "truefalse"
    assert [(a.text, a.weight) for a in q.answers] == [("true", 100.0), ("false", 0.0)]


def test_a_comment_line_in_braces_does_not_become_an_answer():
    q = parse("::Q:: Trường nhan đề? {// MARC\n=245\n}").questions[0]
    assert q.qtype == "shortanswer" and [a.text for a in q.answers] == ["245"]
    q = parse("::U:: Địa chỉ? {=http://thuvien.vn}").questions[0]
    assert [a.text for a in q.answers] == ["http://thuvien.vn"]  # not a comment: not at a line start
