"""Comparison of a trainee's biểu ghi with an answer key, with partial credit.

Units of credit ("points"):
  - the leader: one point per checked position (05, 06, 07, 08, 09, 17, 18, 19);
  - 008: one point per position group (06, 07-10, 11-14, 15-17, the book positions 18-34, 35-37,
    38, 39); 00-05 (date entered on file) is ignored by default;
  - another control field: one point (the whole value);
  - a data field: one point per defined indicator (an indicator that MARC 21 leaves undefined
    earns nothing) and one point per subfield of the key.

A key field earns ``points × matched / (units + extra subfields)`` of its best accepted form, so an
extra subfield lowers that field's credit. A submitted field that matches no key field adds one
point to the total (it lowers the score) unless its tag is ignored or listed in ``extra_ok``.
A key field marked optional counts only when it is present. The score is earned / total; a record
compared with itself scores exactly 1.0.

Values are compared after Unicode NFC and whitespace normalisation (runs of spaces become one,
ends are trimmed), with either Vietnamese tone-mark placement ("hoá" = "hóa"); with ``lenient``
the final ISBD punctuation of each subfield (`` /``, `` :``, `` ;``, `` =``, ``,``, ``.``) is
ignored too.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from . import marc21
from .fields import _compare_fields, _compare_positions, _Form, _Normalised, _signature, _units
from .keys import DEFAULT_IGNORE, Key, Result, Variant
from .lint import lint
from .normalise import normalise
from .records import Record
from .wording import IND_MEANING, SUBFIELD_NAME, field_to_mrk

__all__ = ["DEFAULT_IGNORE", "IND_MEANING", "SUBFIELD_NAME", "Key", "Result", "Variant", "compare",
           "field_to_mrk", "normalise"]

MAX_PAIRS = 50_000  # field pairs scored one against another in one comparison


# --- the whole record -----------------------------------------------------------------------------
@dataclass
class _Slot:
    index: int
    tag: str
    forms: list
    optional: bool
    why: str | None
    points: int


def _slots(key: Key) -> list[_Slot]:
    ignored = key.ignored_tags()
    occurrence = defaultdict(int)
    variants = {(v.tag, v.occurrence): v for v in key.variants}
    slots = []
    for i, f in enumerate(key.record.fields):
        occurrence[f.tag] += 1
        if f.tag in ignored or f.tag == "008":
            continue
        v = variants.get((f.tag, occurrence[f.tag]))
        forms = [_Form(f, dict(v.indicators) if v else {}, dict(v.values) if v else {})]
        if v:
            forms += [_Form(a, {}, dict(v.values)) for a in v.accept]
        why = (v.why if v and v.why else None) or key.explain.get(f.tag)
        slots.append(_Slot(i, f.tag, forms, bool(v and v.optional), why, _units(forms[0])))
    return slots


def compare(key: Key, submission: Record) -> Result:
    earned, total = 0.0, 0.0
    diffs: list[dict] = []
    ignored = key.ignored_tags()
    kr = key.record

    # leader and 008
    if kr.leader is not None and "LDR" not in ignored:
        m, u, d = _compare_positions("LDR", kr.leader, submission.leader, marc21.LEADER_POSITIONS,
                                     key.ignored_positions("LDR"))
        earned, total = earned + m, total + u
        diffs += d
    key008 = kr.get("008")
    if key008 and "008" not in ignored:
        got008 = submission.get("008")
        m, u, d = _compare_positions("008", key008[0].data, got008[0].data if got008 else None,
                                     marc21.f008_positions(kr.leader or ""), key.ignored_positions("008"))
        earned, total = earned + m, total + u
        diffs += d

    slots = _slots(key)
    subs = [(j, f) for j, f in enumerate(submission.fields) if f.tag not in ignored and f.tag != "008"]
    taken_slots, taken_subs = {}, set()
    evaluated = {}
    # first, submitted fields identical to a key form (the usual case): linear time
    by_signature = defaultdict(list)
    for j, f in subs:
        by_signature[_signature(f, key.lenient)].append(j)
    for s in slots:
        for form in s.forms:
            free = [j for j in by_signature.get(_signature(form.field, key.lenient), ()) if j not in taken_subs]
            if free:
                taken_slots[s.index] = free[0]
                taken_subs.add(free[0])
                evaluated[(s.index, free[0])] = (1.0, [])
                break
    # then score the remaining (slot, submitted field) pairs whose tags agree, best first; past
    # MAX_PAIRS (two huge records with nothing in common) the rest pair up in order
    norm = _Normalised(key.lenient)
    slot_by_index = {s.index: s for s in slots}
    sub_by_index = dict(subs)
    candidates = defaultdict(list)
    for j, f in subs:
        if j not in taken_subs:
            candidates[f.tag].append(j)
    pairs = []
    budget = MAX_PAIRS
    for s in slots:
        if s.index in taken_slots:
            continue
        tags = {form.field.tag for form in s.forms}
        for tag in sorted(tags):
            for j in candidates.get(tag, ()):
                if budget <= 0:
                    break
                budget -= 1
                f = sub_by_index[j]
                best = None
                for form in s.forms:
                    if form.field.tag != f.tag or form.field.is_control != f.is_control:
                        continue
                    m, u, _ = _compare_fields(form, f, key, s.why, norm, with_diffs=False)
                    frac = m / u if u else 1.0
                    if best is None or frac > best:
                        best = frac
                if best is not None:
                    pairs.append((-best, s.index, j))
    pairs.sort()
    for _neg, si, j in pairs:
        if si in taken_slots or j in taken_subs:
            continue
        taken_slots[si] = j
        taken_subs.add(j)
    if budget <= 0:
        for s in slots:
            if s.index in taken_slots:
                continue
            kinds = {(form.field.tag, form.field.is_control) for form in s.forms}
            j = next((j for j, f in subs if j not in taken_subs and (f.tag, f.is_control) in kinds), None)
            if j is not None:
                taken_slots[s.index] = j
                taken_subs.add(j)
    for si, j in taken_slots.items():
        if (si, j) in evaluated:
            continue
        s, f = slot_by_index[si], sub_by_index[j]
        best = None
        for form in s.forms:
            if form.field.tag != f.tag or form.field.is_control != f.is_control:
                continue
            m, u, d = _compare_fields(form, f, key, s.why, norm)
            frac = m / u if u else 1.0
            if best is None or frac > best[0]:
                best = (frac, d)
        evaluated[(si, j)] = best

    for s in slots:
        if s.index in taken_slots:
            frac, d = evaluated[(s.index, taken_slots[s.index])]
            earned += s.points * frac
            total += s.points
            diffs += d
        elif not s.optional:
            total += s.points
            exp = s.forms[0].field
            required = ", trường bắt buộc" if s.tag in marc21.REQUIRED else ""
            alts = ""
            if len(s.forms) > 1:
                alts = "; khóa cũng chấp nhận: " + ", ".join(f"«{field_to_mrk(f.field)}»" for f in s.forms[1:])
            name = marc21.field_name(s.tag)
            msg = f"Thiếu trường {s.tag}{f' ({name}{required})' if name else ''}: cần «{field_to_mrk(exp)}»{alts}."
            if s.why:
                msg += f" {s.why}"
            diffs.append({"tag": s.tag, "ind": None, "code": None, "expected": field_to_mrk(exp), "got": None,
                          "message": msg})
    for j, f in subs:
        if j in taken_subs or f.tag in key.extra_ok:
            continue
        total += 1
        diffs.append({"tag": f.tag, "ind": None, "code": None, "expected": None, "got": field_to_mrk(f),
                      "message": f"Trường {f.tag} «{field_to_mrk(f)}» là thừa: khóa không có trường này (hoặc đã khớp với một trường khác)."})

    # structure first (MARC::Lint), then the comparison; a missing required field the key has is
    # reported once, by the comparison, which says what was expected
    key_tags = {f.tag for f in kr.fields}
    structural = [p.as_difference() for p in lint(submission)
                  if not (p.message.startswith("Thiếu trường bắt buộc") and p.tag in key_tags)]
    out = structural + diffs
    for d in out:
        d.setdefault("kind", "compare")
        lesson = key.lesson_for(d["tag"])
        if lesson:
            d["lesson"] = lesson
    if earned == total:
        score = 1.0
    else:  # never round an imperfect record up to a perfect score
        score = min(round(earned / total, 4), 0.9999)
    return Result(score, out, earned, total)
