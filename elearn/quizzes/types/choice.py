"""Choice types: multiple choice, true/false, matching."""
from __future__ import annotations

import hashlib
import unicodedata
from functools import lru_cache

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import gift
from .base import (QuestionType, answer_dict, check_answers, check_flag, check_texts, check_weights, clamp,
                   ordered, plain_text, public_choice, register, vi_number)


def option_ids(salt: str, texts: list[str]) -> list[str]:
    """Opaque ids for a question's answer texts: ``"o"`` + a hash of (question key, answer text).

    They do not follow the order of the source file (the right answer used to be "a1" everywhere),
    and they are the same every time the same question is imported, so attempts and saved
    responses stay valid across re-imports. Migration 0006 holds a copy: change both together."""
    out, taken = [], set()
    for text in texts:
        base = f"{salt}\x1f{unicodedata.normalize('NFC', ' '.join(text.split()))}"
        n, cid = 0, None
        while cid is None or cid in taken:  # the same text twice in one question
            cid = "o" + hashlib.sha1(f"{base}\x1f{n}".encode() if n else base.encode("utf-8")).hexdigest()[:10]
            n += 1
        taken.add(cid)
        out.append(cid)
    return out


@register
class MultichoiceType(QuestionType):
    name = "multichoice"
    label = _l("Nhiều lựa chọn")

    def data_from_gift(self, q):
        data = {"multiple": q.multiple, "missing_word": q.missing_word,
                "answers": [answer_dict(i, a) for i, a in enumerate(q.answers, 1)]}
        if not q.shuffle:
            data["shuffle"] = False
        return data

    def assign_ids(self, data, salt):
        ids = option_ids(salt, [a["text"] for a in data["answers"]])
        return {**data, "answers": [{**a, "id": i} for a, i in zip(data["answers"], ids)]}

    def gift_answers(self, data):
        return [gift.Answer(a["text"], float(a["weight"]), a.get("feedback", ""),
                            text_format=a.get("format")) for a in data["answers"]]

    def validate(self, data):
        problems = super().validate(data)
        if problems:
            return problems
        check_flag(data, "multiple", problems)
        check_flag(data, "shuffle", problems)
        answers = check_answers(data, "answers", problems, minimum=2)
        check_texts(answers, "text", problems)
        if answers and check_weights(answers, problems):
            if data.get("multiple"):
                total = sum(a["weight"] for a in answers if a["weight"] > 0)
                if total == 0:
                    problems.append(_("câu hỏi nhiều lựa chọn không có đáp án đúng"))
                elif abs(total - 100) > 0.5:
                    problems.append(_("tổng trọng số các đáp án đúng phải bằng 100%% (hiện là %(t)s%%)",
                                      t=vi_number(round(total, 5))))
            elif not any(abs(a["weight"] - 100) < 1e-9 for a in answers):
                problems.append(_("câu hỏi nhiều lựa chọn không có đáp án đúng (cần một đáp án 100%)"))
        return problems

    def layout(self, data, rng, shuffle):
        """Shuffled unless the quiz turns shuffling off or the question keeps its order."""
        order = [a["id"] for a in data["answers"]]
        if shuffle and data.get("shuffle", True):
            rng.shuffle(order)
        return {"order": order}

    def public(self, text, data, layout):
        answers = ordered(data["answers"], (layout or {}).get("order"))
        return {"multiple": bool(data.get("multiple")), "choices": [public_choice(a) for a in answers]}

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
        return clamp(sum(a["weight"] for a in chosen) / 100)

    def feedback(self, data, response):
        return [a["feedback"] for a in self._chosen(data, response) if a.get("feedback")]

    def right_answer(self, text, data):
        if data.get("multiple"):
            right = [plain_text(a["text"]) for a in data["answers"] if a["weight"] > 0]
            return _("Các đáp án đúng là: %(a)s", a="; ".join(right))
        best = max((a["weight"] for a in data["answers"]), default=0)
        right = [plain_text(a["text"]) for a in data["answers"] if a["weight"] == best]
        return _("Đáp án đúng là: %(a)s", a=" / ".join(right))

    def response_summary(self, data, response):
        return "; ".join(plain_text(a["text"]) for a in self._chosen(data, response))


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
        pairs = check_answers(data, "pairs", problems, minimum=0)
        if not pairs:
            problems.append(_("câu hỏi ghép đôi cần ít nhất 2 cặp"))
            return problems
        if any(not isinstance(p.get("stem", ""), str) for p in pairs):
            problems.append(_("dữ liệu câu hỏi không hợp lệ"))
            return problems
        check_texts(pairs, "match", problems)
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
        stems = ordered(self._stems(data), layout.get("stems"))
        choices = ordered(self._choices(data), layout.get("choices"))
        return {"stems": [public_choice(p, "stem") for p in stems], "choices": choices}

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
        return clamp(right / len(stems))

    def right_answer(self, text, data):
        pairs = "; ".join(f"{plain_text(p['stem'])} → {plain_text(p['match'])}" for p in self._stems(data))
        return _("Đáp án đúng là: %(a)s", a=pairs)

    def response_summary(self, data, response):
        if not isinstance(response, dict):
            return ""
        texts = {c["id"]: c["text"] for c in self._choices(data)}
        return "; ".join(f"{plain_text(p['stem'])} → {plain_text(texts.get(response.get(p['id']), '–'))}"
                         for p in self._stems(data))


# --------------------------------------------------------------------------- essay and description

