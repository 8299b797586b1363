"""Typed-answer types: short answer, numerical, essay, description."""
from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import gift
from .base import (QuestionType, answer_dict, check_answers, check_flag, check_texts, check_weights, clamp,
                   form_text, is_number, normalize_text, parse_number, plain_text, register, text_response,
                   vi_number)


def _pattern(answer: str, case_sensitive: bool) -> tuple[str, ...]:
    """The literal pieces between the ``*`` wildcards of a normalized answer (``\\*`` is a star)."""
    answer = normalize_text(answer)
    if not case_sensitive:
        answer = answer.casefold()
    pieces, current = [], []
    for part in re.split(r"(\\\*|\*)", answer):
        if part == "*":
            pieces.append("".join(current))
            current = []
        else:
            current.append("*" if part == "\\*" else part)
    pieces.append("".join(current))
    return tuple(pieces)


def _glob(pieces: tuple[str, ...], s: str) -> bool:
    """Whole-string wildcard match in linear time (no regex backtracking on long responses)."""
    if len(pieces) == 1:
        return s == pieces[0]
    first, *middle, last = pieces
    if len(first) + len(last) > len(s) or not s.startswith(first) or not s.endswith(last):
        return False
    pos, end = len(first), len(s) - len(last)
    for piece in middle:  # leftmost match of each piece is always the best choice
        found = s.find(piece, pos, end)
        if found < 0:
            return False
        pos = found + len(piece)
    return True


def _best(answers: list[dict], matches) -> dict | None:
    """The matching answer with the highest weight (the first one on ties)."""
    best = None
    for a in answers:
        if matches(a) and (best is None or a["weight"] > best["weight"]):
            best = a
    return best


class _BestMatchType(QuestionType):
    """Typed answers graded by the best-weighted accepted answer that matches (``_match``)."""

    def _match(self, data, response) -> dict | None:
        raise NotImplementedError

    def grade(self, data, response):
        best = self._match(data, response)
        return clamp(best["weight"] / 100) if best else 0.0

    def feedback(self, data, response):
        best = self._match(data, response)
        return [best["feedback"]] if best and best.get("feedback") else []


@register
class ShortAnswerType(_BestMatchType):
    name = "shortanswer"
    label = _l("Trả lời ngắn")

    def data_from_gift(self, q):
        return {"case_sensitive": bool(getattr(q, "case_sensitive", False)),
                "missing_word": q.missing_word,
                "answers": [answer_dict(i, a) for i, a in enumerate(q.answers, 1)]}

    def gift_answers(self, data):
        return [gift.Answer(a["text"], float(a["weight"]), a.get("feedback", ""),
                            text_format=a.get("format")) for a in data["answers"]]

    def to_gift(self, text, text_format, data, general_feedback, title=None, category=None):
        q = super().to_gift(text, text_format, data, general_feedback, title, category)
        if data.get("case_sensitive"):
            q.case_sensitive = True  # not a GIFT field; Moodle XML <usecase>1</usecase>
        return q

    def validate(self, data):
        problems = super().validate(data)
        if problems:
            return problems
        check_flag(data, "case_sensitive", problems)
        answers = check_answers(data, "answers", problems)
        check_texts(answers, "text", problems)
        if answers and check_weights(answers, problems):
            if not any(abs(a["weight"] - 100) < 1e-9 for a in answers):
                problems.append(_("câu hỏi trả lời ngắn không có đáp án đúng 100%"))
        return problems

    def response_from_form(self, form, prefix, data, layout):
        return form_text(form, prefix)

    def clean_response(self, raw, data, layout):
        return text_response(raw)

    def _match(self, data, response) -> dict | None:
        if not isinstance(response, str) or not normalize_text(response):
            return None
        cs = bool(data.get("case_sensitive"))
        given = normalize_text(response) if cs else normalize_text(response).casefold()
        return _best(data["answers"], lambda a: _glob(_pattern(a["text"], cs), given))

    def right_answer(self, text, data):
        top = max((a["weight"] for a in data["answers"]), default=0)
        right = next((a for a in data["answers"] if a["weight"] == top), None)
        return _("Đáp án đúng là: %(a)s", a=plain_text(right["text"]).replace("\\*", "*")) if right else ""


# --------------------------------------------------------------------------- numerical

def _num_matches(a: dict, x: float) -> bool:
    if a.get("any"):
        return True
    if a.get("min") is not None:
        eps = 1e-9 * max(1.0, abs(a["min"]), abs(a["max"]))
        return a["min"] - eps <= x <= a["max"] + eps
    tol = abs(a.get("tolerance") or 0.0)
    return abs(x - a["value"]) <= tol + 1e-9 * max(1.0, abs(a["value"])) + 1e-12


def _num_label(a: dict) -> str:
    if a.get("min") is not None:
        return _("từ %(a)s đến %(b)s", a=vi_number(a["min"]), b=vi_number(a["max"]))
    if a.get("tolerance"):
        return f"{vi_number(a['value'])} ± {vi_number(a['tolerance'])}"
    return vi_number(a["value"])


@register
class NumericalType(_BestMatchType):
    name = "numerical"
    label = _l("Số")

    def data_from_gift(self, q):
        answers = []
        for i, a in enumerate(q.answers, 1):
            d = {"id": f"a{i}"}
            if a.min is not None:
                d.update(min=a.min, max=a.max)
            elif a.value is not None:
                d.update(value=a.value, tolerance=a.tolerance or 0.0)
            else:
                d["any"] = True
            d.update(weight=float(a.weight), feedback=a.feedback)
            answers.append(d)
        return {"missing_word": q.missing_word, "answers": answers}

    def gift_answers(self, data):
        out = []
        for a in data["answers"]:
            if a.get("any"):
                out.append(gift.Answer("*", float(a["weight"]), a.get("feedback", "")))
                continue
            ans = gift.Answer("", float(a["weight"]), a.get("feedback", ""))
            if a.get("min") is not None:
                ans.min, ans.max = float(a["min"]), float(a["max"])
            else:
                ans.value, ans.tolerance = float(a["value"]), float(a.get("tolerance") or 0.0)
            ans.text = gift.numeric_text(ans)
            out.append(ans)
        return out

    def validate(self, data):
        problems = super().validate(data)
        if problems:
            return problems
        answers = check_answers(data, "answers", problems)
        if not answers:
            return problems
        check_weights(answers, problems)
        for a in answers:
            if a.get("any"):
                continue
            if "min" in a or "max" in a:
                if not (is_number(a.get("min")) and is_number(a.get("max"))):
                    problems.append(_("khoảng số không hợp lệ"))
                elif a["min"] > a["max"]:
                    problems.append(_("khoảng số không hợp lệ: %(a)s..%(b)s (giá trị đầu lớn hơn giá trị cuối)",
                                      a=vi_number(a["min"]), b=vi_number(a["max"])))
            elif not is_number(a.get("value")):
                problems.append(_("giá trị số không hợp lệ"))
            elif not is_number(a.get("tolerance", 0.0)) or a.get("tolerance", 0.0) < 0:
                problems.append(_("sai số không được âm"))
        if all(a.get("any") for a in answers):
            problems.append(_("câu hỏi số không có đáp án"))
        return problems

    def response_from_form(self, form, prefix, data, layout):
        return form_text(form, prefix)

    def clean_response(self, raw, data, layout):
        if is_number(raw):
            return gift.format_number(raw)
        return text_response(raw, limit=100)

    def _match(self, data, response) -> dict | None:
        x = parse_number(response) if response is not None else None
        if x is None:
            return None
        return _best(data["answers"], lambda a: _num_matches(a, x))

    def right_answer(self, text, data):
        real = [a for a in data["answers"] if not a.get("any")]
        top = max((a["weight"] for a in real), default=0)
        right = [_num_label(a) for a in real if a["weight"] == top]
        return _("Đáp án đúng là: %(a)s", a=" / ".join(right)) if right else ""


# --------------------------------------------------------------------------- matching

@register
class EssayType(QuestionType):
    name = "essay"
    label = _l("Tự luận")
    manual = True

    def data_from_gift(self, q):
        data = {"missing_word": q.missing_word}
        if getattr(q, "grader_info", ""):
            data["grader_info"] = q.grader_info  # for the grader; trainees see it only if the review says so
        return data

    def response_from_form(self, form, prefix, data, layout):
        return form_text(form, prefix)

    def clean_response(self, raw, data, layout):
        return text_response(raw)


@register
class DescriptionType(QuestionType):
    name = "description"
    label = _l("Mô tả")
    gradable = False

    def data_from_gift(self, q):
        return {}

    def response_summary(self, data, response):
        return ""

