"""The shipped curriculum in courses/: corrections stay corrected, sizes are honest, quizzes are fair.

The facts and their sources are listed in courses/SOURCES.md.
"""
import os
import re
import unicodedata

import pytest

from elearn.courses.lesson_files import LessonSpec
from elearn.curriculum import reader as importer
from elearn.quizzes.course_files import QuizSpec

from .conftest import REPO_COURSES

# Wrong forms found by the outside fact check, and the words the course does not use (see FORMAT.md).
WRONG_FORMS = {
    r"11/02/2020|11 tháng 02 năm 2020": "Quyết định 206/QĐ-TTg is dated 11/02/2021",
    r"ngân sách nhà nước": "Điều 42 says \"thư viện công lập\"",
    r"thư viện công cộng có vai trò quan trọng": "Nghị định 93, Mục 1 says \"thư viện công lập\"",
    r"được đào tạo (về )?nghiệp vụ": "Nghị định 93 says \"tham gia tập huấn hoặc được hướng dẫn\"",
    r"vi hình": "Điều 3 khoản 3 says \"vi dạng\"",
    r"lưu trữ dưới dạng số": "Điều 3 khoản 2 says \"lưu giữ dưới dạng số\"",
    r"1\.500 bản tài liệu": "Nghị định 93 says \"ít nhất 1.500 bản sách (bao gồm tài liệu số)\"",
    r"cùng chỉ thị và trường con như trường 100": "only 700's first indicator means what 100's does",
    r"\bbản ghi\b": "librarians say \"biểu ghi\"",
    r"định dạng MARC|MARC 21 là định dạng": "librarians say \"khổ mẫu\"",
    # One tone-mark convention (FORMAT.md): hóa, khóa, thủy, not hoá, khoá, thuỷ.
    r"(?<![qQ])(oá|oà|oả|oã|oạ|oé|oè|oẻ|oẽ|oẹ|uý|uỳ|uỷ|uỹ|uỵ)(?!\w)": "tone mark on the first vowel (khóa)",
}


def _course_files():
    for folder, _dirs, files in os.walk(REPO_COURSES):
        for name in files:
            if name.endswith((".md", ".gift", ".yaml")) and name != "FORMAT.md":
                yield os.path.join(folder, name)


def test_no_wrong_form_is_left_anywhere_in_courses():
    found = []
    for path in _course_files():
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                line = unicodedata.normalize("NFC", line)
                for pattern, why in WRONG_FORMS.items():
                    if re.search(pattern, line, re.IGNORECASE):
                        found.append(f"{os.path.relpath(path, REPO_COURSES)}:{n}: {why}")
    assert found == []


def test_the_wrong_form_check_finds_a_wrong_form(tmp_path):
    for text in ("Quyết định 206/QĐ-TTg ngày 11/02/2020", "tại thư viện sử dụng ngân sách nhà nước",
                 "tài liệu vi hình", "một khoá học", "bản ghi MARC", "ít nhất một người được đào tạo nghiệp vụ",
                 "xử lý, lưu trữ dưới dạng số", "ít nhất 1.500 bản tài liệu"):
        assert any(re.search(p, text, re.IGNORECASE) for p in WRONG_FORMS), text


@pytest.fixture(scope="module")
def shipped():
    report = importer.read_courses(REPO_COURSES)
    assert report.errors == []
    return report


def test_shipped_courses_import_without_warnings(shipped):
    assert [str(w) for w in shipped.warnings] == []


def test_hours_cover_the_content_and_at_most_twice_it(shipped):
    for course in shipped.courses:
        content = course.content_minutes()
        assert content <= course.hours * 60 <= 2 * content, (course.slug, course.hours, content)


def test_every_lesson_names_its_sources(shipped):
    for course in shipped.courses:
        for module in course.modules:
            for activity in module.activities:
                if isinstance(activity, LessonSpec):
                    assert activity.sources, f"{course.slug}/{module.slug}/{activity.slug}"


def test_quizzes_cannot_be_passed_by_copying_the_previous_review(shipped):
    for course in shipped.courses:
        for module in course.modules:
            for quiz in (a for a in module.activities if isinstance(a, QuizSpec)):
                where = f"{course.slug}/{module.slug}/{quiz.slug}"
                assert 1 <= quiz.attempts <= 3, where
                for when in ("during", "immediately", "open"):
                    assert not set(quiz.review[when]) & {"right_answer", "feedback"}, where


def test_essay_grading_notes_never_reach_the_trainee(shipped):
    """Feedback (general or per answer) is shown in the review; essays carry none."""
    essays = 0
    for course in shipped.courses:
        for module in course.modules:
            for quiz in (a for a in module.activities if isinstance(a, QuizSpec)):
                for q in quiz.questions:
                    if q.qtype == "essay":
                        essays += 1
                        assert not q.general_feedback.strip(), q.title
                        assert not any(getattr(a, "feedback", "") for a in q.answers or []), q.title
    assert essays >= 3


def test_true_false_feedback_for_a_wrong_answer_never_says_it_was_right(shipped):
    """In GIFT {T#a#b} the first feedback is shown to a wrong answer: "Đúng." there misleads the trainee."""
    wrong = []
    for course in shipped.courses:
        for module in course.modules:
            for quiz in (a for a in module.activities if isinstance(a, QuizSpec)):
                for q in quiz.questions:
                    if q.qtype != "truefalse":
                        continue
                    for answer in q.answers:
                        if answer.weight == 0 and re.match(r"\s*(Đúng|Chính xác)\b", answer.feedback or ""):
                            wrong.append(f"{course.slug}/{module.slug}: {q.title}")
    assert wrong == []


def test_the_curriculum_is_the_size_issue_16_asks_for(shipped):
    lessons = questions = 0
    for course in shipped.courses:
        for module in course.modules:
            for activity in module.activities:
                if isinstance(activity, LessonSpec):
                    lessons += 1
                elif isinstance(activity, QuizSpec):
                    questions += len(activity.questions)
    assert lessons >= 36, lessons
    assert questions >= 220, questions


# Claims the course could not check against a text (courses/SOURCES.md, "Chưa kiểm chứng"): they
# must not be taught as fact in a lesson or a question.
UNVERIFIED = {
    r"Điều 31\b": "which article of Luật Thư viện governs digital-library activity",
    r"72/2025/QH15": "the local-government law's number and articles",
    r"thư viện (cấp )?huyện (đã )?(được )?(sáp nhập|giải thể|chuyển)": "what became of district libraries",
}


def _lesson_and_question_files():
    for path in _course_files():
        if path.endswith((".md", ".gift")) and os.path.basename(path) != "SOURCES.md":
            yield path


def test_unverified_claims_are_not_taught():
    found = []
    for path in _lesson_and_question_files():
        with open(path, encoding="utf-8") as fh:
            text = unicodedata.normalize("NFC", fh.read())
        for pattern, what in UNVERIFIED.items():
            if re.search(pattern, text, re.IGNORECASE):
                found.append(f"{os.path.relpath(path, REPO_COURSES)}: {what}")
    assert found == []


def test_the_unverified_list_names_what_was_searched():
    with open(os.path.join(REPO_COURSES, "SOURCES.md"), encoding="utf-8") as fh:
        text = fh.read()
    assert "## Chưa kiểm chứng" in text
    unverified = text.split("## Chưa kiểm chứng", 1)[1]
    for gap in ("Điều 25", "thư viện số", "District libraries", "Z39.50"):
        assert gap in unverified, gap
    assert unverified.count("Searched") >= 4


def test_lessons_quote_the_law_as_passed_not_a_draft():
    """Draft texts of Luật Thư viện online define "thư viện số" differently; only a warning may quote them."""
    for path in _lesson_and_question_files():
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if "vốn tài liệu số" in line:
                    assert "dự thảo" in line.lower(), f"{os.path.relpath(path, REPO_COURSES)}:{n}"


def test_the_unverified_check_finds_an_unverified_claim():
    for text in ("Điều 31 Luật Thư viện quy định hoạt động thư viện số",
                 "Luật Tổ chức chính quyền địa phương số 72/2025/QH15",
                 "thư viện huyện được sáp nhập vào thư viện tỉnh"):
        assert any(re.search(p, text, re.IGNORECASE) for p in UNVERIFIED), text
