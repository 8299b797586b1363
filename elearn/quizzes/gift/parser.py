"""The GIFT reader: ``parse(text)`` gives a :class:`GiftResult` (rules in the package docstring)."""
from __future__ import annotations

import math
import re

from .model import BLANK, FORMAT_RE, NUMBER_RE, Answer, GiftError, GiftResult, Question, format_number, numeric_text

# Escaped characters become private-use placeholders while the structure is parsed.
_ESCAPABLE = "\\~=#{}:n"
_PLACEHOLDER = {c: chr(0xE000 + i) for i, c in enumerate(_ESCAPABLE)}
_UNESCAPED = {ph: ("\n" if c == "n" else c) for c, ph in _PLACEHOLDER.items()}
_ESCAPE_RE = re.compile(r"\\([\\~=#{}:n])")
_WEIGHT_RE = re.compile(r"%\s*(-?\d+(?:\.\d+)?)\s*%")
_TF = {"T": True, "TRUE": True, "F": False, "FALSE": False}


class _Bad(Exception):
    """One question is invalid; the message is shown to the author."""


# --------------------------------------------------------------------------- parsing helpers

def _protect(s: str) -> str:
    return _ESCAPE_RE.sub(lambda m: _PLACEHOLDER[m.group(1)], s)


def _clean(s: str) -> str:
    """Placeholders back to the characters they stand for, then strip."""
    return "".join(_UNESCAPED.get(c, c) for c in s).strip()


def _split_format(s: str) -> tuple[str | None, str]:
    """'[html]text' -> ('html', 'text'); no prefix -> (None, text). ``s`` is already stripped."""
    m = FORMAT_RE.match(s)
    return (m.group(1), s[m.end():].strip()) if m else (None, s)


def _split(body: str, seps: str) -> list[tuple[str | None, str]]:
    """Cut the answer block at every separator: [(separator, segment), ...]."""
    parts, prefix, start = [], None, 0
    for i, c in enumerate(body):
        if c in seps:
            parts.append((prefix, body[start:i]))
            prefix, start = c, i + 1
    parts.append((prefix, body[start:]))
    if parts[0][0] is None and not parts[0][1].strip():
        parts.pop(0)
    return parts


def _weight(seg: str) -> tuple[float | None, str]:
    seg = seg.lstrip()
    if not seg.startswith("%"):
        return None, seg
    m = _WEIGHT_RE.match(seg)
    if not m:
        raise _Bad(f"trọng số không hợp lệ: {_clean(seg[:12])}")
    w = float(m.group(1))
    if not -100 <= w <= 100:
        raise _Bad(f"trọng số không hợp lệ: {format_number(w)}% (phải từ -100% đến 100%)")
    return w, seg[m.end():]


def _answer_parts(seg: str) -> tuple[str | None, str, str]:
    """'[html]text#feedback' -> (format, text, feedback); text must not be empty."""
    head, _, fb = seg.partition("#")
    fmt, text = _split_format(_clean(head))
    if not text:
        raise _Bad("có đáp án không có nội dung")
    return fmt, text, _clean(fb)


def _number(s: str) -> float:
    s = s.strip()
    if not NUMBER_RE.fullmatch(s) or not math.isfinite(float(s)):
        raise _Bad(f"giá trị số không hợp lệ: '{s}'")
    return float(s)


# --------------------------------------------------------------------------- question types

def _multichoice(body: str) -> tuple[list[Answer], bool]:
    parts = _split(body, "~=")
    answers = []
    for sep, seg in parts:
        w, seg = _weight(seg)
        fmt, text, fb = _answer_parts(seg)
        answers.append(Answer(text, w if w is not None else (100.0 if sep == "=" else 0.0), fb,
                              text_format=fmt))
    multiple = all(sep != "=" for sep, _ in parts)
    if len(answers) < 2:
        raise _Bad("câu hỏi nhiều lựa chọn cần ít nhất 2 đáp án")
    if multiple:
        total = sum(a.weight for a in answers if a.weight > 0)
        if total == 0:
            raise _Bad("câu hỏi nhiều lựa chọn không có đáp án đúng")
        if abs(total - 100) > 0.5:
            raise _Bad(f"tổng trọng số các đáp án đúng phải bằng 100% (hiện là {format_number(round(total, 5))}%)")
    elif not any(abs(a.weight - 100) < 1e-9 for a in answers):
        raise _Bad("câu hỏi nhiều lựa chọn không có đáp án đúng (cần một đáp án 100%)")
    return answers, multiple


def _shortanswer(body: str) -> list[Answer]:
    answers = []
    for _sep, seg in _split(body, "="):
        w, seg = _weight(seg)
        fmt, text, fb = _answer_parts(seg)
        answers.append(Answer(text, 100.0 if w is None else w, fb, text_format=fmt))
    if not any(abs(a.weight - 100) < 1e-9 for a in answers):
        raise _Bad("câu hỏi trả lời ngắn không có đáp án đúng 100%")
    return answers


def _matching(body: str) -> list[Answer]:
    answers = []
    for sep, seg in _split(body, "="):
        if sep is None:
            raise _Bad("mỗi cặp ghép phải bắt đầu bằng dấu =")
        if "->" not in seg:
            raise _Bad(f"cặp ghép thiếu dấu ->: '{_clean(seg)}'")
        left, right = seg.split("->", 1)
        fmt, text = _split_format(_clean(left))
        if not _clean(right):
            raise _Bad(f"cặp ghép thiếu vế phải: '{text}'")
        answers.append(Answer(text, 100.0, match=_clean(right), text_format=fmt))
    if sum(1 for a in answers if a.text) < 2:
        raise _Bad("câu hỏi ghép đôi cần ít nhất 2 cặp")
    return answers


def _tf_head(body: str) -> str:
    """The T/F word of a true/false block, without a trailing ``// comment`` on its line."""
    head = body.split("#", 1)[0]
    return re.sub(r"\s//[^\n]*", "", " " + head).strip()


def _truefalse(body: str) -> list[Answer]:
    bits = body.split("#", 2) + ["", ""]
    bits[0] = _tf_head(body)
    correct, wrong_fb, right_fb = _TF[bits[0].strip()], _clean(bits[1]), _clean(bits[2])
    return [Answer("true", 100.0 if correct else 0.0, right_fb if correct else wrong_fb),
            Answer("false", 0.0 if correct else 100.0, wrong_fb if correct else right_fb)]


def _numerical(body: str) -> list[Answer]:
    body = body[1:]  # the leading '#'
    body, tilde, wrong = body.partition("~")
    answers = []
    for _sep, seg in _split(body, "="):
        w, seg = _weight(seg)
        head, _, fb = seg.partition("#")
        spec = _clean(head)
        a = Answer("", 100.0 if w is None else w, _clean(fb))
        if ".." in spec:
            lo, hi = spec.split("..", 1)
            a.min, a.max = _number(lo), _number(hi)
            if a.min > a.max:
                raise _Bad(f"khoảng số không hợp lệ: {spec} (giá trị đầu lớn hơn giá trị cuối)")
        else:
            val, _, tol = spec.partition(":")
            a.value, a.tolerance = _number(val), _number(tol) if tol.strip() else 0.0
            if a.tolerance < 0:
                raise _Bad(f"sai số không được âm: {spec}")
        a.text = numeric_text(a)
        answers.append(a)
    if not answers:
        raise _Bad("câu hỏi số không có đáp án")
    if tilde:
        answers.append(Answer("*", 0.0, _clean(wrong.partition("#")[2])))
    return answers


def _parse_block(lines: list[str], line: int, category: list[str] | None) -> Question:
    src = _protect("\n".join(lines)).strip()
    title = None
    if src.startswith("::"):
        end = src.find("::", 2)
        if end < 0:
            raise _Bad("thiếu dấu :: đóng tiêu đề câu hỏi")
        title = _clean(src[2:end]) or None
        src = src[end + 2:].strip()

    start, end = src.find("{"), src.find("}")
    if start < 0 and end < 0:
        before, body, after = src, None, ""
    else:
        if start < 0 or (0 <= end < start):
            raise _Bad("thiếu dấu { mở khối đáp án")
        if end < 0 or "{" in src[start + 1:end]:
            raise _Bad("thiếu dấu } đóng khối đáp án")
        if "{" in src[end + 1:] or "}" in src[end + 1:]:
            raise _Bad("câu hỏi có nhiều hơn một khối đáp án {…} (thiếu dòng trống giữa hai câu hỏi?)")
        before, body, after = src[:start], src[start + 1:end].strip(), src[end + 1:]

    missing = bool(after.strip())
    fmt, text = _split_format(_clean(before + BLANK + after if missing else before))
    if not _split_format(_clean(before + after))[1]:
        raise _Bad("nội dung câu hỏi trống")
    q = Question("description", text, title, fmt or "moodle", category, line=line,
                 missing_word=missing)
    if body is None:
        return q

    # `//` comment lines inside the braces are ignored, as Moodle ignores comment lines; this also
    # covers a comment written on the line of the opening brace ("{// đúng hay sai").
    body = "\n".join(ln for ln in body.split("\n") if not ln.strip().startswith("//")).strip()
    gf = body.rfind("####")
    if gf >= 0:
        q.general_feedback = _clean(body[gf + 4:])
        body = body[:gf].strip()
    if not body:
        q.qtype = "essay"
    elif body.startswith("#"):
        q.qtype, q.answers = "numerical", _numerical(body)
    elif "~" in body:
        q.qtype = "multichoice"
        q.answers, q.multiple = _multichoice(body)
    elif "=" in body and "->" in body:
        q.qtype, q.answers = "matching", _matching(body)
    elif _tf_head(body) in _TF:
        q.qtype, q.answers = "truefalse", _truefalse(body)
    else:
        q.qtype, q.answers = "shortanswer", _shortanswer(body)
    return q


def parse(text: str) -> GiftResult:
    """Parse GIFT source; every bad question gives one error and parsing continues."""
    result = GiftResult()
    category: list[str] | None = None
    block: list[str] = []
    start = 0

    def flush():
        if block:
            try:
                result.questions.append(_parse_block(block, start, category))
            except _Bad as exc:
                result.errors.append(GiftError(start, str(exc)))
            block.clear()

    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    for number, raw in enumerate(text.split("\n"), 1):
        stripped = raw.strip()
        if stripped.startswith("//"):
            continue
        if stripped.startswith("$CATEGORY:"):
            flush()
            parts = [p.strip() for p in stripped[len("$CATEGORY:"):].split("/")]
            category = [p for p in parts if p] or None
        elif not stripped:
            flush()
        else:
            if not block:
                start = number
            block.append(raw)
    flush()
    return result
