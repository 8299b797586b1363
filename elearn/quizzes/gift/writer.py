"""The GIFT writer: questions back to text that ``gift.parse`` reads as the same questions."""
from __future__ import annotations

from .model import BLANK, FORMAT_RE, Answer, Question, format_number, numeric_text


# --------------------------------------------------------------------------- export
def _escape(s: str) -> str:
    s = s.replace("\\", "\\\\")
    for c in "~=#{}:":
        s = s.replace(c, "\\" + c)
    return s.replace("\n", "\\n")


def _text(s: str, fmt: str | None) -> str:
    """Answer/question text with its format prefix (forced when the text itself starts with '[')."""
    if fmt is None and FORMAT_RE.match(s):
        fmt = "moodle"
    return (f"[{fmt}]" if fmt else "") + _escape(s)


def _choice(prefix: str, a: Answer, weight: bool) -> str:
    out = prefix + (f"%{format_number(a.weight)}%" if weight or a.text.startswith("%") else "")
    out += _text(a.text, a.text_format)
    return out + (f"#{_escape(a.feedback)}" if a.feedback else "")


def _export_body(q: Question) -> str:
    gf = f"####{_escape(q.general_feedback)}" if q.general_feedback else ""
    if q.qtype == "essay":
        return "{" + gf + "}"
    if q.qtype == "truefalse":
        is_true = any(a.text == "true" and a.weight == 100 for a in q.answers)
        fb = {a.text: a.feedback for a in q.answers}
        right, wrong = fb.get("true", ""), fb.get("false", "")
        if not is_true:
            right, wrong = wrong, right
        out = "{" + ("TRUE" if is_true else "FALSE")
        out += "#" + _escape(wrong) if wrong or right else ""
        out += "#" + _escape(right) if right else ""
        return out + gf + "}"
    lines, has_eq = [], False
    for a in q.answers:
        if q.qtype == "multichoice" and not q.multiple and a.weight == 100 and not has_eq:
            lines.append(_choice("=", a, False))
            has_eq = True
        elif q.qtype == "multichoice":
            lines.append(_choice("~", a, a.weight != 0))
        elif q.qtype == "shortanswer":
            lines.append(_choice("=", a, a.weight != 100))
        elif q.qtype == "matching":
            lines.append(f"={_text(a.text, a.text_format)} -> {_escape(a.match or '')}")
        elif a.value is None and a.min is None:  # numerical catch-all
            lines.append(f"~#{_escape(a.feedback)}")
        else:
            w = f"%{format_number(a.weight)}%" if a.weight != 100 else ""
            fb = f"#{_escape(a.feedback)}" if a.feedback else ""
            lines.append(f"={w}{numeric_text(a)}{fb}")
    if gf:
        lines.append(gf)
    return ("{#\n" if q.qtype == "numerical" else "{\n") + "".join(f"\t{x}\n" for x in lines) + "}"


def export_question(q: Question) -> str:
    """One question as GIFT (without its category line)."""
    fmt = q.text_format if q.text_format != "moodle" or q.text.startswith(("[", "//")) else None
    head = f"::{_escape(q.title)}::" if q.title else ""
    if q.qtype == "description":
        return head + _text(q.text, fmt)
    if q.missing_word and BLANK in q.text:
        before, after = q.text.split(BLANK, 1)
    else:
        before, after = q.text, ""
    prefix = f"[{fmt}]" if fmt else ""
    return head + prefix + _escape(before) + _export_body(q) + _escape(after)


def export(questions) -> str:
    """GIFT text for ``questions``; a ``$CATEGORY:`` line is written whenever the category changes."""
    out: list[str] = []
    current: list[str] | None = None
    for q in questions:
        if (q.category or None) != current:
            current = q.category or None
            out.append("$CATEGORY: " + "/".join(current or []))
        out.append(export_question(q))
    return "\n\n".join(out) + "\n" if out else ""
