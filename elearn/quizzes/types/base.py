"""Registry, shared helpers and the base class of the question types."""
from __future__ import annotations

import html
import math
import random
import re
import unicodedata

from flask_babel import gettext as _

from .. import gift

MAX_TEXT = 10000  # longest accepted typed response, in characters
BLANK = gift.BLANK

REGISTRY: dict[str, QuestionType] = {}


def register(cls):
    """Class decorator: put one instance of the type into REGISTRY under ``cls.name``."""
    REGISTRY[cls.name] = cls()
    return cls


def get_type(name: str) -> QuestionType:
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


def clamp(x: float) -> float:
    x = round(x, 7)
    if abs(x - 1) < 1e-5:  # 3 x 33.33333% is full marks
        return 1.0
    return min(1.0, max(0.0, x))


def normalize_text(s: str) -> str:
    """NFC, trimmed, runs of whitespace collapsed to one space."""
    return " ".join(unicodedata.normalize("NFC", s).split())


_TAG_RE = re.compile(r"</?[A-Za-z][^<>]*>")


def plain_text(s: str) -> str:
    """Answer text for a one-line summary: HTML tags dropped (then entities decoded)."""
    stripped = _TAG_RE.sub("", s)
    if stripped != s:
        stripped = html.unescape(stripped)
    return " ".join(stripped.split())


def vi_number(x: float) -> str:
    """A number as Vietnamese write it: 3,14 (the exporter's canonical form, comma decimal)."""
    return gift.format_number(x).replace(".", ",")


def is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


_THOUSANDS = {".": re.compile(r"[-+]?\d{1,3}(\.\d{3})+"), ",": re.compile(r"[-+]?\d{1,3}(,\d{3})+")}
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007]+")


def parse_number(s) -> float | None:
    """A typed number, or None. Accepts "3.14" and "3,14" (Vietnamese decimal comma), "−2",
    "1e3", and thousands separators when unambiguous ("1.234.567", "1,234.5", "1.234,5")."""
    if is_number(s):
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
    if not gift.NUMBER_RE.fullmatch(s):
        return None
    x = float(s)
    return x if math.isfinite(x) else None


def ordered(items: list[dict], order) -> list[dict]:
    """``items`` in the layout's ``order`` of ids; ids the layout lacks (added later) go last."""
    by_id = {it["id"]: it for it in items}
    out = [by_id.pop(i) for i in (order or []) if i in by_id]
    return out + [it for it in items if it["id"] in by_id]


def answer_dict(i: int, a: gift.Answer) -> dict:
    d = {"id": f"a{i}", "text": a.text, "weight": float(a.weight), "feedback": a.feedback}
    if a.text_format:
        d["format"] = a.text_format
    return d


def public_choice(a: dict, text_key: str = "text") -> dict:
    d = {"id": a["id"], "text": a[text_key]}
    if a.get("format"):
        d["format"] = a["format"]
    return d


def text_response(raw, limit: int = MAX_TEXT) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise ValueError(_("câu trả lời phải là một chuỗi văn bản"))
    if len(raw) > limit:
        raise ValueError(_("câu trả lời quá dài (tối đa %(n)d ký tự)", n=limit))
    raw = raw.replace("\r\n", "\n").replace("\r", "\n").strip()
    return raw or None


def form_text(form, prefix: str) -> str | None:
    value = form.get(prefix)
    if not isinstance(value, str):
        return None
    value = value.replace("\r\n", "\n").replace("\r", "\n").strip()[:MAX_TEXT]
    return value or None


def check_answers(data, key: str, problems: list[str], minimum: int = 1) -> list[dict]:
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


def check_weights(items: list[dict], problems: list[str]) -> bool:
    for a in items:
        w = a.get("weight")
        if not is_number(w) or not -100 <= w <= 100:
            problems.append(_("trọng số không hợp lệ: %(w)s (phải từ -100%% đến 100%%)", w=w))
            return False
    return True


def check_texts(items: list[dict], key: str, problems: list[str]) -> None:
    if any(not isinstance(a.get(key), str) or not a.get(key).strip() for a in items):
        problems.append(_("có đáp án không có nội dung"))


def check_flag(data, key: str, problems: list[str]) -> None:
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
        check_flag(data, "missing_word", problems)
        return problems

    def assign_ids(self, data, salt: str) -> dict:
        """``data`` with the ids that responses will name, given the question's stable ``salt``
        (its key). Types whose ids are public and could give the answer away override it."""
        return data

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

