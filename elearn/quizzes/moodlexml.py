"""Moodle XML question import (pure Python, no Flask app needed).

``parse(text)`` reads a Moodle "Moodle XML format" export and returns the same
:class:`gift.GiftResult` as the GIFT parser, so both formats go through one import pipeline:
valid questions as :class:`gift.Question`, and one :class:`gift.GiftError` (line, Vietnamese
message) per bad question, parsing going on after it.

* ``<question type="category">`` sets the category of the questions after it:
  ``$course$/top/a/b`` -> ``["a", "b"]`` (any ``$context$/`` prefix and ``top/`` are dropped).
* Supported types: multichoice, truefalse, shortanswer, numerical, matching, essay, description.
  Anything else (cloze, gapselect, ddwtos, calculated, ...) gives "loại câu hỏi chưa hỗ trợ: X".
* ``<name>`` -> title; ``<questiontext format=...>`` -> text and text_format (html -> "html",
  moodle_auto_format -> "moodle", plain_text -> "plain", markdown -> "markdown"; html when absent);
  ``<generalfeedback>`` -> general feedback; answers' ``fraction`` -> weight, ``<feedback>`` ->
  feedback. A multichoice answer or matching subquestion whose format differs from the question's
  keeps it in ``text_format`` (like GIFT's ``[html]answer``); short-answer, numerical and
  true/false answer formats and all feedback formats are not kept (GIFT has no place for them).
* Numerical answers are ``value`` ± ``tolerance`` (Moodle XML has no min..max); the answer ``*``
  is the catch-all. Matching subquestions with an empty text only add a distractor choice.
* shortanswer ``<usecase>1</usecase>`` sets ``case_sensitive = True`` on the returned Question (an
  extra attribute: GIFT has no such field, so it is not compared and not exported to GIFT).
* A question text holding ``_____`` is a missing-word question (``missing_word`` True), as GIFT's
  importer stores it, for multichoice, truefalse, shortanswer and numerical.
* Each question is checked with its type's ``validate`` (the same rules as for edited questions).

Safety: input containing ``<!DOCTYPE`` or ``<!ENTITY`` (outside comments and CDATA sections) is
refused: no DTDs, so no entity expansion ("billion laughs") and no external entities. Line
numbers are the line of each ``<question`` tag (a scan that skips comments and CDATA sections);
a malformed file gives one error at the XML parser's line.
"""
from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET

from . import gift, types

FORMATS = {"html": "html", "moodle_auto_format": "moodle", "plain_text": "plain",
           "markdown": "markdown"}
SUPPORTED = ("multichoice", "truefalse", "shortanswer", "numerical", "matching", "essay",
             "description")
_MISSING_WORD_TYPES = ("multichoice", "truefalse", "shortanswer", "numerical")

_FORBIDDEN_RE = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<!\s*(DOCTYPE|ENTITY)",
                           re.DOTALL | re.IGNORECASE)
_SCAN_RE = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<question\b", re.DOTALL)
_DECL_RE = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_CONTEXT_RE = re.compile(r"^\$[a-z0-9]*\$/?")


class _Bad(Exception):
    """One question is invalid; the message is shown to the author."""


def _decode(data: bytes) -> str:
    """Bytes to text: BOM first, then the XML declaration's encoding, else UTF-8."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(enc)
    m = _DECL_RE.match(data.lstrip())
    enc = m.group(1).decode("ascii") if m else "utf-8"
    try:
        return data.decode(enc)
    except LookupError:
        raise ValueError(f"bảng mã không được hỗ trợ: {enc}") from None


def _question_lines(text: str) -> list[int]:
    """1-based line of every ``<question`` tag, in document order (comments and CDATA skipped)."""
    lines, pos, line = [], 0, 1
    for m in _SCAN_RE.finditer(text):
        if m.group(0) == "<question":
            line += text.count("\n", pos, m.start())
            pos = m.start()
            lines.append(line)
    return lines


def _text(el: ET.Element | None, path: str = "text") -> str:
    """Text of ``el/path`` (or of ``el`` itself when it has no child ``text``), stripped."""
    if el is None:
        return ""
    child = el.find(path)
    node = child if child is not None else (el if path == "text" and len(el) == 0 else None)
    return (node.text or "").strip() if node is not None else ""


def _format(el: ET.Element | None, default: str = "html") -> str:
    value = el.get("format", default) if el is not None else default
    return FORMATS.get(value, "moodle")


def _fraction(el: ET.Element) -> float:
    raw = el.get("fraction", "0").strip()
    try:
        value = float(raw)
    except ValueError:
        raise _Bad(f"trọng số không hợp lệ: {raw[:12]}") from None
    if not -100 <= value <= 100:
        raise _Bad(f"trọng số không hợp lệ: {raw[:12]}% (phải từ -100% đến 100%)")
    return value


def _flag(el: ET.Element, tag: str, default: bool) -> bool:
    value = (el.findtext(tag) or "").strip().lower()
    if not value:
        return default
    return value in ("true", "1", "yes")


def _category(q: ET.Element) -> list[str] | None:
    path = _text(q.find("category"))
    path = _CONTEXT_RE.sub("", path)
    if path == "top" or path.startswith("top/"):
        path = path[3:]
    parts = [p.strip() for p in path.split("/")]
    return [p for p in parts if p] or None


def _answer_format(a: ET.Element, question_format: str) -> str | None:
    fmt = FORMATS.get(a.get("format", ""), None)
    return fmt if fmt and fmt != question_format else None


def _choice_answers(q: ET.Element, fmt: str | None) -> list[gift.Answer]:
    """Answers with fraction and feedback; ``fmt`` None ignores the answers' formats."""
    answers = []
    for a in q.findall("answer"):
        text = _text(a)
        if not text:
            raise _Bad("có đáp án không có nội dung")
        answers.append(gift.Answer(text, _fraction(a), _text(a.find("feedback")),
                                   text_format=_answer_format(a, fmt) if fmt else None))
    return answers


def _number(raw: str) -> float:
    value = types.parse_number(raw)
    if value is None:
        raise _Bad(f"giá trị số không hợp lệ: '{raw[:20]}'")
    return value


def _question(q: ET.Element, qtype: str, category: list[str] | None, line: int) -> gift.Question:
    text_el = q.find("questiontext")
    fmt = _format(text_el)
    text = _text(text_el)
    if not text:
        raise _Bad("nội dung câu hỏi trống")
    out = gift.Question(qtype, text, _text(q.find("name")) or None, fmt, category,
                        general_feedback=_text(q.find("generalfeedback")), line=line)
    out.missing_word = qtype in _MISSING_WORD_TYPES and gift.BLANK in text

    if qtype == "multichoice":
        out.multiple = not _flag(q, "single", True)
        out.shuffle = _flag(q, "shuffleanswers", True)
        out.answers = _choice_answers(q, fmt)
    elif qtype == "shortanswer":
        # Moodle writes format="moodle_auto_format" on these, but they are matched, not shown.
        out.answers = _choice_answers(q, None)
        if _flag(q, "usecase", False):
            out.case_sensitive = True
    elif qtype == "truefalse":
        fb = {"true": "", "false": ""}
        correct = None
        for a in q.findall("answer"):
            which = _text(a).lower()
            if which not in fb:
                raise _Bad(f"đáp án đúng/sai không hợp lệ: '{_text(a)[:20]}'")
            fb[which] = _text(a.find("feedback"))
            if _fraction(a) == 100:
                correct = which == "true"
        if correct is None:
            raise _Bad("câu hỏi đúng/sai không có đáp án đúng")
        out.answers = [gift.Answer("true", 100.0 if correct else 0.0, fb["true"]),
                       gift.Answer("false", 0.0 if correct else 100.0, fb["false"])]
    elif qtype == "numerical":
        for a in q.findall("answer"):
            raw = _text(a)
            ans = gift.Answer(raw, _fraction(a), _text(a.find("feedback")))
            if raw != "*":
                ans.value = _number(raw)
                tol = (a.findtext("tolerance") or "").strip()
                ans.tolerance = abs(_number(tol)) if tol else 0.0
                ans.text = gift.numeric_text(ans)
            out.answers.append(ans)
        if not out.answers:
            raise _Bad("câu hỏi số không có đáp án")
    elif qtype == "essay":
        out.grader_info = _text(q.find("graderinfo"))  # notes for the grader, never shown to trainees
    elif qtype == "matching":
        for sub in q.findall("subquestion"):
            stem = _text(sub)
            match = _text(sub.find("answer"))
            if not match:
                raise _Bad(f"cặp ghép thiếu vế phải: '{stem[:40]}'")
            out.answers.append(gift.Answer(stem, 100.0, match=match,
                                           text_format=_answer_format(sub, fmt)))

    data = types.get_type(qtype).from_gift(out)[2]
    problems = types.get_type(qtype).validate(data)
    if problems:
        raise _Bad(problems[0])
    return out


def parse(text: str | bytes) -> gift.GiftResult:
    """Parse a Moodle XML quiz file; every bad question gives one error and parsing continues."""
    result = gift.GiftResult()
    if isinstance(text, bytes):
        try:
            text = _decode(text)
        except UnicodeDecodeError:
            result.errors.append(gift.GiftError(1, "tệp không phải văn bản hợp lệ theo bảng mã đã khai báo"))
            return result
        except ValueError as exc:
            result.errors.append(gift.GiftError(1, str(exc)))
            return result
    text = text.lstrip("\ufeff")
    # The declaration's encoding is meaningless once decoded; expat would trip on some.
    text = re.sub(r"^(\s*<\?xml[^>]*?)\s+encoding\s*=\s*[\"'][^\"']*[\"']", r"\1", text)

    # Inside comments and CDATA sections the words are only text (e.g. HTML shown in a question).
    forbidden = next((m for m in _FORBIDDEN_RE.finditer(text) if m.group(1)), None)
    if forbidden:
        line = text.count("\n", 0, forbidden.start()) + 1
        result.errors.append(gift.GiftError(
            line, "tệp XML không được chứa khai báo DOCTYPE hoặc ENTITY"))
        return result

    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else 1
        result.errors.append(gift.GiftError(line, f"tệp XML không hợp lệ: {exc}"))
        return result
    if root.tag != "quiz":
        result.errors.append(gift.GiftError(
            1, "không phải tệp câu hỏi Moodle XML (cần thẻ gốc <quiz>)"))
        return result

    lines = _question_lines(text)
    category: list[str] | None = None
    for n, q in enumerate(root.findall("question")):
        line = lines[n] if n < len(lines) else 1
        qtype = (q.get("type") or "").strip()
        if qtype == "category":
            category = _category(q)
            continue
        if qtype not in SUPPORTED:
            result.errors.append(gift.GiftError(
                line, f"loại câu hỏi chưa hỗ trợ: {qtype or '(không có)'}"))
            continue
        try:
            result.questions.append(_question(q, qtype, category, line))
        except _Bad as exc:
            result.errors.append(gift.GiftError(line, str(exc)))
    return result
