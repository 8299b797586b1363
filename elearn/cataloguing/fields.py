"""Comparison of one field (or the leader, or 008) with one accepted form of a key field."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from . import marc21
from .keys import Key
from .normalise import normalise
from .records import Field
from .wording import _ind_text, _sub_label

@dataclass
class _Form:
    field: Field
    indicators: dict  # n -> accepted values
    values: dict = field(default_factory=dict)  # code -> other accepted values


def _counted_indicators(tag: str) -> list[int]:
    d = marc21.FIELDS.get(tag)
    if d is None:
        return [1, 2]
    return [n for n, allowed in ((1, d.ind1), (2, d.ind2)) if allowed is not None]


def _units(form: _Form) -> int:
    f = form.field
    if f.is_control:
        return 1
    return len(_counted_indicators(f.tag)) + len(f.subfields)


class _Normalised:
    """Normalised subfield values per field, computed once per comparison."""

    def __init__(self, lenient: bool):
        self.lenient = lenient
        self._fields = {}
        self._values = {}

    def by_code(self, f: Field) -> dict:
        got = self._fields.get(id(f))
        if got is None:
            got = defaultdict(list)
            for sf in f.subfields:
                got[sf.code].append((sf.value, normalise(sf.value, self.lenient)))
            self._fields[id(f)] = got
        return got

    def alternatives(self, form: _Form, code: str) -> set:
        k = (id(form), code)
        if k not in self._values:
            self._values[k] = {normalise(a, self.lenient) for a in form.values.get(code, ())}
        return self._values[k]


def _compare_fields(form: _Form, got: Field, key: Key, why: str | None, norm: _Normalised | None = None,
                    with_diffs: bool = True):
    """(matched units, units + extras, differences) of ``got`` against one accepted form."""
    exp = form.field
    tag = exp.tag
    diffs = []
    norm = norm or _Normalised(key.lenient)

    def diff(ind=None, code=None, expected=None, got_=None, message=""):
        if not with_diffs:
            return
        if why:
            message = f"{message} {why}"
        diffs.append({"tag": tag, "ind": ind, "code": code, "expected": expected, "got": got_, "message": message})

    if exp.is_control:
        a, b = normalise(exp.data, False), normalise(got.data or "", False)
        if a == b:
            return 1, 1, []
        diff(expected=exp.data, got_=got.data,
             message=f"Trường {tag}: cần '{exp.data}' nhưng biểu ghi ghi '{got.data}'.")
        return 0, 1, diffs

    matched, units = 0, 0
    for n in _counted_indicators(tag):
        units += 1
        want = exp.ind1 if n == 1 else exp.ind2
        have = got.ind1 if n == 1 else got.ind2
        accepted = form.indicators.get(n) or want
        if have in accepted:
            matched += 1
        else:
            choices = " hoặc ".join(_ind_text(tag, n, v) for v in accepted)
            diff(ind=n, expected=want, got_=have,
                 message=f"Trường {tag}, chỉ thị {n}: cần {choices}, biểu ghi ghi {_ind_text(tag, n, have)}.")

    by_code_exp, by_code_got = norm.by_code(exp), norm.by_code(got)
    extras = 0
    for code in list(by_code_exp) + [c for c in by_code_got if c not in by_code_exp]:
        want_vals, have_vals = by_code_exp.get(code, []), list(by_code_got.get(code, []))
        units += len(want_vals)
        # equal values pair first (order of repeated subfields does not matter), then the rest in order
        rest_want = []
        alternatives = norm.alternatives(form, code)
        for w, nw in want_vals:
            hit = next((i for i, (_h, nh) in enumerate(have_vals) if nh == nw or nh in alternatives), None)
            if hit is None:
                rest_want.append(w)
            else:
                have_vals.pop(hit)
                matched += 1
        if not with_diffs:
            extras += max(0, len(have_vals) - len(rest_want))
            continue
        have_vals = [h for h, _nh in have_vals]
        label = _sub_label(tag, code)
        for w in rest_want:
            if have_vals:
                h = have_vals.pop(0)
                diff(code=code, expected=w, got_=h,
                     message=f"Trường {tag}, trường con {label}: cần '{w}' nhưng biểu ghi ghi '{h}'.")
            else:
                diff(code=code, expected=w, got_=None,
                     message=f"Trường {tag}: thiếu trường con {label} '{w}'.")
        for h in have_vals:
            extras += 1
            diff(code=code, expected=None, got_=h,
                 message=f"Trường {tag}: trường con {label} '{h}' là thừa, khóa không có giá trị này.")
    return matched, units + extras, diffs


def _compare_positions(tag: str, exp: str, got: str | None, groups, ignored: set):
    """Leader/008 by position group: (matched, units, differences)."""
    matched, units, diffs = 0, 0, []
    if got is None:
        units = sum(1 for start, end, _n, _a in groups if not set(range(start, end + 1)) <= ignored)
        what = "đầu biểu (=LDR)" if tag == "LDR" else "trường 008 (dữ liệu có độ dài cố định)"
        required = " Đây là trường bắt buộc." if tag in marc21.REQUIRED else ""
        diffs.append({"tag": tag, "ind": None, "code": None, "expected": exp, "got": None,
                      "message": f"Thiếu {what}: cần '{exp}'.{required}"})
        return 0, units, diffs
    for start, end, name, _allowed in groups:
        if set(range(start, end + 1)) <= ignored:
            continue
        units += 1
        want = exp[start:end + 1]
        have = got[start:end + 1] if got is not None and len(got) > end else None
        if have == want:
            matched += 1
            continue
        pos = f"{start:02d}" if start == end else f"{start:02d}-{end:02d}"
        shown = lambda v: "\\" * len(v) if v is not None and not v.strip() else v  # noqa: E731
        diffs.append({"tag": tag, "ind": None, "code": pos, "expected": want, "got": have,
                      "message": f"{'Đầu biểu' if tag == 'LDR' else 'Trường 008'} vị trí {pos} ({name}): "
                                 f"cần '{shown(want)}' nhưng biểu ghi ghi '{shown(have) if have is not None else '(không có)'}'."})
    return matched, units, diffs


def _signature(f: Field, lenient: bool) -> tuple:
    if f.is_control:
        return (f.tag, normalise(f.data, False))
    return (f.tag, f.ind1, f.ind2, tuple((sf.code, normalise(sf.value, lenient)) for sf in f.subfields))
