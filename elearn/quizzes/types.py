"""Question types: one registry, one class per type (like CTFd's challenge classes).

A stored question is ``(qtype, text, text_format, data, general_feedback, default_mark)``.
``data`` is the type's own JSON; every answer in it has a short stable ``id`` ("a1", "a2", ... in
the original order) so that shuffled layouts and saved responses name answers by id, never by
position. The JSON shapes:

* ``multichoice``: ``{"multiple": bool, "missing_word": bool,
  "answers": [{"id", "text", "weight", "feedback"[, "format"]}]}`` (weight in percent, -100..100)
* ``truefalse``: ``{"correct": bool, "missing_word": bool, "feedback": {"true": str, "false": str}}``
  (the feedback shown to whoever picks that answer)
* ``shortanswer``: ``{"case_sensitive": bool, "missing_word": bool,
  "answers": [{"id", "text", "weight", "feedback"[, "format"]}]}`` (``*`` matches any run of
  characters, ``\\*`` is a literal star)
* ``numerical``: ``{"missing_word": bool, "answers": [{"id", "weight", "feedback", ...}]}`` where
  each answer has either ``"value"`` and ``"tolerance"``, or ``"min"`` and ``"max"``, or
  ``"any": true`` (GIFT's ``~#feedback`` catch-all, any valid number)
* ``matching``: ``{"missing_word": bool, "pairs": [{"id", "stem", "match"[, "format"]}]}``; a pair
  with an empty stem only adds a distractor to the right-hand choices
* ``essay``: ``{"missing_word": bool}``; ``description``: ``{}``

``"format"`` on an answer is the GIFT ``[html]`` prefix of that answer; absent means the
question's format. Responses (JSON): multichoice single ``"a2"``, multiple ``["a1", "a3"]``;
truefalse ``"true"``/``"false"``; shortanswer, numerical and essay the text as typed; matching
``{stem_id: choice_id}``. ``None`` is "not answered".

Matching choice ids are opaque: ``"c"`` + a hash of the right-hand text, so nothing in the public
view ties a choice to a stem. Grades are fractions in 0..1; essay (manual) and description (not
graded) return ``None``: services should skip ``gradable=False`` types and queue ``manual`` ones.
"""
from __future__ import annotations

import hashlib
import html
import math
import random
import re
import unicodedata
from functools import lru_cache

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from . import gift

MAX_TEXT = 10000  # longest accepted typed response, in characters
BLANK = gift.BLANK

REGISTRY: dict[str, "QuestionType"] = {}


def register(cls):
    """Class decorator: put one instance of the type into REGISTRY under ``cls.name``."""
    REGISTRY[cls.name] = cls()
    return cls


def get_type(name: str) -> "QuestionType":
    """The registered type called ``name``; KeyError for an unknown name."""
    return REGISTRY[name]


def from_gift(q: gift.Question) -> tuple[str, str, str, dict, str]:
    """(qtype, text, text_format, data, general_feedback) for a parsed GIFT/Moodle XML question."""
    return (q.qtype, *get_type(q.qtype).from_gift(q))


def to_gift(qtype, text, text_format, data, general_feedback, title=None, category=None) -> gift.Question:
    """The gift.Question for a stored question (``line`` is 0)."""
    return get_type(qtype).to_gift(text, text_format, data, general_feedback, title, category)


# --------------------------------------------------------------------------- helpers

def _ids(n: int) -> list[str]:
    return [f"a{i}" for i in range(1, n + 1)]


def _clamp(x: float) -> float:
    x = round(x, 7)
    if abs(x - 1) < 1e-5:  # 3 x 33.33333% is full marks
        return 1.0
    return min(1.0, max(0.0, x))


def _norm(s: str) -> str:
    """NFC, trimmed, runs of whitespace collapsed to one space."""
    return " ".join(unicodedata.normalize("NFC", s).split())


_TAG_RE = re.compile(r"</?[A-Za-z][^<>]*>")


def _plain(s: str) -> str:
    """Answer text for a one-line summary: HTML tags dropped (then entities decoded)."""
    stripped = _TAG_RE.sub("", s)
    if stripped != s:
        stripped = html.unescape(stripped)
    return " ".join(stripped.split())


def _fmt(x: float) -> str:
    """A number as Vietnamese write it: 3,14 (the exporter's canonical form, comma decimal)."""
    return gift._fmt(x).replace(".", ",")


def _is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


_THOUSANDS = {".": re.compile(r"[-+]?\d{1,3}(\.\d{3})+"), ",": re.compile(r"[-+]?\d{1,3}(,\d{3})+")}
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007]+")


def parse_number(s) -> float | None:
    """A typed number, or None. Accepts "3.14" and "3,14" (Vietnamese decimal comma), "−2",
    "1e3", and thousands separators when unambiguous ("1.234.567", "1,234.5", "1.234,5")."""
    if _is_number(s):
        return float(s)
    if not isinstance(s, str) or len(s) > 100:
        return None
    s = _SPACES.sub("", unicodedata.normalize("NFKC", s)).replace("\u2212", "-")
    if "," in s and "." in s:
        dec = "," if s.rfind(",") > s.rfind(".") else "."
        whole, frac = s.rsplit(dec, 1)
        sep = "." if dec == "," else ","
        if not _THOUSANDS[sep].fullmatch(whole):
            return None
        s = whole.replace(sep, "") + "." + frac
    elif s.count(",") == 1:
        s = s.replace(",", ".")
    elif s.count(",") > 1 or s.count(".") > 1:
        sep = "," if "," in s else "."
        if not _THOUSANDS[sep].fullmatch(s):
            return None
        s = s.replace(sep, "")
    if not gift._NUMBER_RE.fullmatch(s):
        return None
    x = float(s)
    return x if math.isfinite(x) else None


def _ordered(items: list[dict], order) -> list[dict]:
    """``items`` in the layout's ``order`` of ids; ids the layout lacks (added later) go last."""
    by_id = {it["id"]: it for it in items}
    out = [by_id.pop(i) for i in (order or []) if i in by_id]
    return out + [it for it in items if it["id"] in by_id]


def _answer_dict(i: int, a: gift.Answer) -> dict:
    d = {"id": f"a{i}", "text": a.text, "weight": float(a.weight), "feedback": a.feedback}
    if a.text_format:
        d["format"] = a.text_format
    return d


def _choice(a: dict, text_key: str = "text") -> dict:
    d = {"id": a["id"], "text": a[text_key]}
    if a.get("format"):
        d["format"] = a["format"]
    return d


def _text_response(raw, limit: int = MAX_TEXT) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise ValueError(_("câu trả lời phải là một chuỗi văn bản"))
    if len(raw) > limit:
        raise ValueError(_("câu trả lời quá dài (tối đa %(n)d ký tự)", n=limit))
    raw = raw.replace("\r\n", "\n").replace("\r", "\n").strip()
    return raw or None


def _form_text(form, prefix: str) -> str | None:
    value = form.get(prefix)
    if not isinstance(value, str):
        return None
    value = value.replace("\r\n", "\n").replace("\r", "\n").strip()[:MAX_TEXT]
    return value or None


def _check_answers(data, key: str, problems: list[str], minimum: int = 1) -> list[dict]:
    """Common shape checks of ``data[key]``: a list of dicts with unique string ids."""
    items = data.get(key) if isinstance(data, dict) else None
    if not isinstance(items, list) or not all(isinstance(a, dict) for a in items):
        problems.append(_("dữ liệu câu hỏi không hợp lệ: thiếu danh sách đáp án"))
        return []
    if minimum and len(items) < minimum:
        problems.append(_("cần ít nhất %(n)d đáp án", n=minimum))
    ids = [a.get("id") for a in items]
    if not all(isinstance(i, str) and re.fullmatch(r"[A-Za-z0-9_-]{1,20}", i) for i in ids):
        problems.append(_("mã đáp án không hợp lệ"))
    elif len(set(ids)) != len(ids):
        problems.append(_("mã đáp án bị trùng"))
    for a in items:
        if not isinstance(a.get("feedback", ""), str):
            problems.append(_("phản hồi của đáp án phải là văn bản"))
            break
    for a in items:
        if a.get("format") is not None and a.get("format") not in gift.FORMATS:
            problems.append(_("định dạng đáp án không hợp lệ: %(f)s", f=a.get("format")))
            break
    return items


def _check_weights(items: list[dict], problems: list[str]) -> bool:
    for a in items:
        w = a.get("weight")
        if not _is_number(w) or not -100 <= w <= 100:
            problems.append(_("trọng số không hợp lệ: %(w)s (phải từ -100%% đến 100%%)", w=w))
            return False
    return True


def _check_texts(items: list[dict], key: str, problems: list[str]) -> None:
    if any(not isinstance(a.get(key), str) or not a.get(key).strip() for a in items):
        problems.append(_("có đáp án không có nội dung"))


def _check_flag(data, key: str, problems: list[str]) -> None:
    if isinstance(data, dict) and not isinstance(data.get(key, False), bool):
        problems.append(_("dữ liệu câu hỏi không hợp lệ: %(k)s phải là true/false", k=key))


# --------------------------------------------------------------------------- base class

class QuestionType:
    """One kind of question. Subclasses override what they need; instances are stateless."""

    name: str = ""
    label = ""
    manual: bool = False  # graded by a person (essay)
    gradable: bool = True  # False: nothing to answer (description)

    @property
    def template(self) -> str:
        return f"quizzes/types/_{self.name}.html"

    # GIFT mapping -----------------------------------------------------------
    def from_gift(self, q: gift.Question) -> tuple[str, str, dict, str]:
        return q.text, q.text_format, self.data_from_gift(q), q.general_feedback

    def data_from_gift(self, q: gift.Question) -> dict:
        raise NotImplementedError

    def to_gift(self, text, text_format, data, general_feedback, title=None, category=None) -> gift.Question:
        return gift.Question(
            self.name, text, title, text_format, list(category) if category else None,
            answers=self.gift_answers(data), general_feedback=general_feedback or "",
            missing_word=bool(data.get("missing_word", False)),
            multiple=bool(data.get("multiple", False)) if self.name == "multichoice" else False,
        )

    def gift_answers(self, data) -> list[gift.Answer]:
        return []

    # authoring --------------------------------------------------------------
    def validate(self, data) -> list[str]:
        if not isinstance(data, dict):
            return [_("dữ liệu câu hỏi không hợp lệ")]
        problems: list[str] = []
        _check_flag(data, "missing_word", problems)
        return problems

    # attempts ---------------------------------------------------------------
    def layout(self, data, rng: random.Random, shuffle: bool) -> dict:
        return {}

    def public(self, text, data, layout) -> dict:
        return {}

    def response_from_form(self, form, prefix: str, data, layout):
        return None

    def clean_response(self, raw, data, layout):
        if raw is None:
            return None
        raise ValueError(_("câu hỏi này không nhận câu trả lời"))

    def grade(self, data, response) -> float | None:
        return None

    def feedback(self, data, response) -> list[str]:
        return []

    def right_answer(self, text, data) -> str:
        return ""

    def response_summary(self, data, response) -> str:
        return "" if response is None else str(response)


# --------------------------------------------------------------------------- multiple choice

@register
class MultichoiceType(QuestionType):
    name = "multichoice"
    label = _l("Nhiều lựa chọn")

    def data_from_gift(self, q):
        return {"multiple": q.multiple, "missing_word": q.missing_word,
                "answers": [_answer_dict(i, a) for i, a in enumerate(q.answers, 1)]}

    def gift_answers(self, data):
        return [gift.Answer(a["text"], float(a["weight"]), a.get("feedback", ""),
                            text_format=a.get("format")) for a in data["answers"]]

    def validate(self, data):
        problems = super().validate(data)
        if problems:
            return problems
        _check_flag(data, "multiple", problems)
        answers = _check_answers(data, "answers", problems, minimum=2)
        _check_texts(answers, "text", problems)
        if answers and _check_weights(answers, problems):
            if data.get("multiple"):
                total = sum(a["weight"] for a in answers if a["weight"] > 0)
                if total == 0:
                    problems.append(_("câu hỏi nhiều lựa chọn không có đáp án đúng"))
                elif abs(total - 100) > 0.5:
                    problems.append(_("tổng trọng số các đáp án đúng phải bằng 100%% (hiện là %(t)s%%)",
                                      t=_fmt(round(total, 5))))
            elif not any(abs(a["weight"] - 100) < 1e-9 for a in answers):
                problems.append(_("câu hỏi nhiều lựa chọn không có đáp án đúng (cần một đáp án 100%)"))
        return problems

    def layout(self, data, rng, shuffle):
        order = [a["id"] for a in data["answers"]]
        if shuffle:
            rng.shuffle(order)
        return {"order": order}

    def public(self, text, data, layout):
        answers = _ordered(data["answers"], (layout or {}).get("order"))
        return {"multiple": bool(data.get("multiple")), "choices": [_choice(a) for a in answers]}

    def _in_order(self, data, chosen) -> list[str]:
        chosen = set(chosen)
        return [a["id"] for a in data["answers"] if a["id"] in chosen]

    def response_from_form(self, form, prefix, data, layout):
        valid = {a["id"] for a in data["answers"]}
        if data.get("multiple"):
            return self._in_order(data, [v for v in form.getlist(prefix) if v in valid]) or None
        value = form.get(prefix)
        return value if value in valid else None

    def clean_response(self, raw, data, layout):
        if raw is None:
            return None
        valid = {a["id"] for a in data["answers"]}
        if data.get("multiple"):
            if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
                raise ValueError(_("câu trả lời phải là danh sách mã đáp án"))
            bad = [v for v in raw if v not in valid]
            if bad:
                raise ValueError(_("mã đáp án không hợp lệ: %(id)s", id=bad[0][:20]))
            return self._in_order(data, raw) or None
        if not isinstance(raw, str):
            raise ValueError(_("câu trả lời phải là một mã đáp án"))
        if raw == "":
            return None
        if raw not in valid:
            raise ValueError(_("mã đáp án không hợp lệ: %(id)s", id=raw[:20]))
        return raw

    def _chosen(self, data, response) -> list[dict]:
        if response is None:
            return []
        ids = set(response) if isinstance(response, list) else {response}
        return [a for a in data["answers"] if a["id"] in ids]

    def grade(self, data, response):
        chosen = self._chosen(data, response)
        if not data.get("multiple"):
            chosen = chosen[:1]
        return _clamp(sum(a["weight"] for a in chosen) / 100)

    def feedback(self, data, response):
        return [a["feedback"] for a in self._chosen(data, response) if a.get("feedback")]

    def right_answer(self, text, data):
        if data.get("multiple"):
            right = [_plain(a["text"]) for a in data["answers"] if a["weight"] > 0]
            return _("Các đáp án đúng là: %(a)s", a="; ".join(right))
        best = max((a["weight"] for a in data["answers"]), default=0)
        right = [_plain(a["text"]) for a in data["answers"] if a["weight"] == best]
        return _("Đáp án đúng là: %(a)s", a=" / ".join(right))

    def response_summary(self, data, response):
        return "; ".join(_plain(a["text"]) for a in self._chosen(data, response))


# --------------------------------------------------------------------------- true / false

@register
class TrueFalseType(QuestionType):
    name = "truefalse"
    label = _l("Đúng/Sai")

    def data_from_gift(self, q):
        correct = any(a.text == "true" and a.weight == 100 for a in q.answers)
        fb = {a.text: a.feedback for a in q.answers}
        return {"correct": correct, "missing_word": q.missing_word,
                "feedback": {"true": fb.get("true", ""), "false": fb.get("false", "")}}

    def gift_answers(self, data):
        c, fb = bool(data["correct"]), data.get("feedback") or {}
        return [gift.Answer("true", 100.0 if c else 0.0, fb.get("true", "")),
                gift.Answer("false", 0.0 if c else 100.0, fb.get("false", ""))]

    def validate(self, data):
        problems = super().validate(data)
        if problems:
            return problems
        if not isinstance(data.get("correct"), bool):
            problems.append(_("câu hỏi đúng/sai cần chọn đáp án đúng"))
        fb = data.get("feedback", {})
        if not isinstance(fb, dict) or not all(isinstance(fb.get(k, ""), str) for k in ("true", "false")):
            problems.append(_("phản hồi của đáp án phải là văn bản"))
        return problems

    def public(self, text, data, layout):
        return {"choices": [{"id": "true", "text": _("Đúng")}, {"id": "false", "text": _("Sai")}]}

    def response_from_form(self, form, prefix, data, layout):
        value = form.get(prefix)
        return value if value in ("true", "false") else None

    def clean_response(self, raw, data, layout):
        if raw is None or raw == "":
            return None
        if isinstance(raw, bool):
            return "true" if raw else "false"
        if raw not in ("true", "false"):
            raise ValueError(_("câu trả lời phải là \"true\" hoặc \"false\""))
        return raw

    def grade(self, data, response):
        if response not in ("true", "false"):
            return 0.0
        return 1.0 if (response == "true") == bool(data["correct"]) else 0.0

    def feedback(self, data, response):
        fb = (data.get("feedback") or {}).get(response, "") if response in ("true", "false") else ""
        return [fb] if fb else []

    def right_answer(self, text, data):
        return _("Đáp án đúng là: %(a)s", a=_("Đúng") if data["correct"] else _("Sai"))

    def response_summary(self, data, response):
        return {"true": _("Đúng"), "false": _("Sai")}.get(response, "")


# --------------------------------------------------------------------------- short answer

@lru_cache(maxsize=2048)
def _pattern(answer: str, case_sensitive: bool) -> tuple[str, ...]:
    """The literal pieces between the ``*`` wildcards of a normalized answer (``\\*`` is a star)."""
    answer = _norm(answer)
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


@register
class ShortAnswerType(QuestionType):
    name = "shortanswer"
    label = _l("Trả lời ngắn")

    def data_from_gift(self, q):
        return {"case_sensitive": bool(getattr(q, "case_sensitive", False)),
                "missing_word": q.missing_word,
                "answers": [_answer_dict(i, a) for i, a in enumerate(q.answers, 1)]}

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
        _check_flag(data, "case_sensitive", problems)
        answers = _check_answers(data, "answers", problems)
        _check_texts(answers, "text", problems)
        if answers and _check_weights(answers, problems):
            if not any(abs(a["weight"] - 100) < 1e-9 for a in answers):
                problems.append(_("câu hỏi trả lời ngắn không có đáp án đúng 100%"))
        return problems

    def response_from_form(self, form, prefix, data, layout):
        return _form_text(form, prefix)

    def clean_response(self, raw, data, layout):
        return _text_response(raw)

    def _match(self, data, response) -> dict | None:
        if not isinstance(response, str) or not _norm(response):
            return None
        cs = bool(data.get("case_sensitive"))
        given = _norm(response) if cs else _norm(response).casefold()
        return _best(data["answers"], lambda a: _glob(_pattern(a["text"], cs), given))

    def grade(self, data, response):
        best = self._match(data, response)
        return _clamp(best["weight"] / 100) if best else 0.0

    def feedback(self, data, response):
        best = self._match(data, response)
        return [best["feedback"]] if best and best.get("feedback") else []

    def right_answer(self, text, data):
        top = max((a["weight"] for a in data["answers"]), default=0)
        right = next((a for a in data["answers"] if a["weight"] == top), None)
        return _("Đáp án đúng là: %(a)s", a=_plain(right["text"]).replace("\\*", "*")) if right else ""


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
        return _("từ %(a)s đến %(b)s", a=_fmt(a["min"]), b=_fmt(a["max"]))
    if a.get("tolerance"):
        return f"{_fmt(a['value'])} ± {_fmt(a['tolerance'])}"
    return _fmt(a["value"])


@register
class NumericalType(QuestionType):
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
            ans.text = gift._num_text(ans)
            out.append(ans)
        return out

    def validate(self, data):
        problems = super().validate(data)
        if problems:
            return problems
        answers = _check_answers(data, "answers", problems)
        if not answers:
            return problems
        _check_weights(answers, problems)
        for a in answers:
            if a.get("any"):
                continue
            if "min" in a or "max" in a:
                if not (_is_number(a.get("min")) and _is_number(a.get("max"))):
                    problems.append(_("khoảng số không hợp lệ"))
                elif a["min"] > a["max"]:
                    problems.append(_("khoảng số không hợp lệ: %(a)s..%(b)s (giá trị đầu lớn hơn giá trị cuối)",
                                      a=_fmt(a["min"]), b=_fmt(a["max"])))
            elif not _is_number(a.get("value")):
                problems.append(_("giá trị số không hợp lệ"))
            elif not _is_number(a.get("tolerance", 0.0)) or a.get("tolerance", 0.0) < 0:
                problems.append(_("sai số không được âm"))
        if all(a.get("any") for a in answers):
            problems.append(_("câu hỏi số không có đáp án"))
        return problems

    def response_from_form(self, form, prefix, data, layout):
        return _form_text(form, prefix)

    def clean_response(self, raw, data, layout):
        if _is_number(raw):
            return gift._fmt(raw)
        return _text_response(raw, limit=100)

    def _match(self, data, response) -> dict | None:
        x = parse_number(response) if response is not None else None
        if x is None:
            return None
        return _best(data["answers"], lambda a: _num_matches(a, x))

    def grade(self, data, response):
        best = self._match(data, response)
        return _clamp(best["weight"] / 100) if best else 0.0

    def feedback(self, data, response):
        best = self._match(data, response)
        return [best["feedback"]] if best and best.get("feedback") else []

    def right_answer(self, text, data):
        real = [a for a in data["answers"] if not a.get("any")]
        top = max((a["weight"] for a in real), default=0)
        right = [_num_label(a) for a in real if a["weight"] == top]
        return _("Đáp án đúng là: %(a)s", a=" / ".join(right)) if right else ""


# --------------------------------------------------------------------------- matching

def choice_id(match: str) -> str:
    """Opaque id of a right-hand side: the same text always gets the same id."""
    digest = hashlib.sha1(unicodedata.normalize("NFC", match).encode("utf-8")).hexdigest()
    return "c" + digest[:10]


@register
class MatchingType(QuestionType):
    name = "matching"
    label = _l("Ghép đôi")

    def data_from_gift(self, q):
        pairs = []
        for i, a in enumerate(q.answers, 1):
            d = {"id": f"a{i}", "stem": a.text, "match": a.match or ""}
            if a.text_format:
                d["format"] = a.text_format
            pairs.append(d)
        return {"missing_word": q.missing_word, "pairs": pairs}

    def gift_answers(self, data):
        return [gift.Answer(p["stem"], 100.0, match=p["match"], text_format=p.get("format"))
                for p in data["pairs"]]

    def validate(self, data):
        problems = super().validate(data)
        if problems:
            return problems
        pairs = _check_answers(data, "pairs", problems, minimum=0)
        if not pairs:
            problems.append(_("câu hỏi ghép đôi cần ít nhất 2 cặp"))
            return problems
        if any(not isinstance(p.get("stem", ""), str) for p in pairs):
            problems.append(_("dữ liệu câu hỏi không hợp lệ"))
            return problems
        _check_texts(pairs, "match", problems)
        if sum(1 for p in pairs if p.get("stem", "").strip()) < 2:
            problems.append(_("câu hỏi ghép đôi cần ít nhất 2 cặp"))
        return problems

    @staticmethod
    def _stems(data) -> list[dict]:
        return [p for p in data["pairs"] if p["stem"].strip()]

    @staticmethod
    def _choices(data) -> list[dict]:
        seen, out = set(), []
        for p in data["pairs"]:
            cid = choice_id(p["match"])
            if cid not in seen:
                seen.add(cid)
                out.append({"id": cid, "text": p["match"]})
        return out

    def layout(self, data, rng, shuffle):
        stems = [p["id"] for p in self._stems(data)]
        if shuffle:
            rng.shuffle(stems)
        choices = [c["id"] for c in self._choices(data)]
        rng.shuffle(choices)  # always: in data order the n-th choice would answer the n-th stem
        return {"stems": stems, "choices": choices}

    def public(self, text, data, layout):
        layout = layout or {}
        stems = _ordered(self._stems(data), layout.get("stems"))
        choices = _ordered(self._choices(data), layout.get("choices"))
        return {"stems": [_choice(p, "stem") for p in stems], "choices": choices}

    def response_from_form(self, form, prefix, data, layout):
        valid = {c["id"] for c in self._choices(data)}
        out = {}
        for p in self._stems(data):
            value = form.get(f"{prefix}-{p['id']}")
            if value in valid:
                out[p["id"]] = value
        return out or None

    def clean_response(self, raw, data, layout):
        if raw is None:
            return None
        if not isinstance(raw, dict):
            raise ValueError(_("câu trả lời phải là một bảng {mã câu: mã lựa chọn}"))
        stems = {p["id"] for p in self._stems(data)}
        valid = {c["id"] for c in self._choices(data)}
        out = {}
        for key, value in raw.items():
            if key not in stems:
                raise ValueError(_("mã câu không hợp lệ: %(id)s", id=str(key)[:20]))
            if value is None or value == "":
                continue
            if not isinstance(value, str) or value not in valid:
                raise ValueError(_("mã lựa chọn không hợp lệ: %(id)s", id=str(value)[:20]))
            out[key] = value
        return {p["id"]: out[p["id"]] for p in self._stems(data) if p["id"] in out} or None

    def grade(self, data, response):
        stems = self._stems(data)
        if not stems or not isinstance(response, dict):
            return 0.0
        right = sum(1 for p in stems if response.get(p["id"]) == choice_id(p["match"]))
        return _clamp(right / len(stems))

    def right_answer(self, text, data):
        pairs = "; ".join(f"{_plain(p['stem'])} → {_plain(p['match'])}" for p in self._stems(data))
        return _("Đáp án đúng là: %(a)s", a=pairs)

    def response_summary(self, data, response):
        if not isinstance(response, dict):
            return ""
        texts = {c["id"]: c["text"] for c in self._choices(data)}
        return "; ".join(f"{_plain(p['stem'])} → {_plain(texts.get(response.get(p['id']), '–'))}"
                         for p in self._stems(data))


# --------------------------------------------------------------------------- essay and description

@register
class EssayType(QuestionType):
    name = "essay"
    label = _l("Tự luận")
    manual = True

    def data_from_gift(self, q):
        return {"missing_word": q.missing_word}

    def response_from_form(self, form, prefix, data, layout):
        return _form_text(form, prefix)

    def clean_response(self, raw, data, layout):
        return _text_response(raw)


@register
class DescriptionType(QuestionType):
    name = "description"
    label = _l("Mô tả")
    gradable = False

    def data_from_gift(self, q):
        return {}

    def response_summary(self, data, response):
        return ""
