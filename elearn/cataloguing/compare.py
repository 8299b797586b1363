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

import re
from collections import defaultdict
from dataclasses import dataclass, field

from . import marc21
from .lint import lint
from .records import Field, Record, nfc, write_mrk

DEFAULT_IGNORE = ("001", "003", "005", "008/00-05")
MAX_PAIRS = 50_000  # field pairs scored one against another in one comparison
_WS = re.compile(r"\s+")
_FINAL_PUNCT = re.compile(r"[\s.,:;/=]+$")

# What the common indicator values mean (bd041.html, bd082.html, bd100.html, bd245.html,
# bd246.html, bd264.html, bd490.html, bd650.html, bd700.html): used to say *why* in messages.
IND_MEANING = {
    ("041", 1): {"0": "không phải bản dịch", "1": "là bản dịch hoặc có phần dịch", " ": "không có thông tin"},
    ("082", 1): {"0": "bản DDC đầy đủ", "1": "bản DDC rút gọn", "7": "bản khác, ghi ở $2"},
    ("082", 2): {" ": "không có thông tin", "0": "do Thư viện Quốc hội Mỹ gán", "4": "do cơ quan khác gán"},
    ("100", 1): {"0": "tên viết thuận (tên riêng)", "1": "họ đứng trước, có dấu phẩy", "3": "tên dòng họ"},
    ("700", 1): {"0": "tên viết thuận (tên riêng)", "1": "họ đứng trước, có dấu phẩy", "3": "tên dòng họ"},
    ("600", 1): {"0": "tên viết thuận (tên riêng)", "1": "họ đứng trước, có dấu phẩy", "3": "tên dòng họ"},
    ("110", 1): {"0": "tên đảo", "1": "tên pháp quyền (địa danh hành chính)", "2": "tên viết thuận"},
    ("710", 1): {"0": "tên đảo", "1": "tên pháp quyền (địa danh hành chính)", "2": "tên viết thuận"},
    ("245", 1): {"0": "không tạo tiêu đề bổ sung cho nhan đề (biểu ghi không có trường 1XX)",
                 "1": "tạo tiêu đề bổ sung cho nhan đề (biểu ghi có trường 1XX)"},
    ("245", 2): {d: f"bỏ qua {d} ký tự đầu khi sắp xếp" for d in "0123456789"},
    ("240", 2): {d: f"bỏ qua {d} ký tự đầu khi sắp xếp" for d in "0123456789"},
    ("830", 2): {d: f"bỏ qua {d} ký tự đầu khi sắp xếp" for d in "0123456789"},
    ("246", 1): {"0": "có phụ chú, không tạo tiêu đề bổ sung", "1": "có phụ chú và tiêu đề bổ sung",
                 "2": "không phụ chú, không tiêu đề bổ sung", "3": "không phụ chú, có tiêu đề bổ sung"},
    ("246", 2): {" ": "không xác định loại", "0": "một phần nhan đề", "1": "nhan đề song song",
                 "2": "nhan đề riêng", "3": "nhan đề khác", "4": "nhan đề ngoài bìa",
                 "5": "nhan đề trang tên phụ", "6": "nhan đề đầu trang", "7": "nhan đề chạy",
                 "8": "nhan đề gáy sách"},
    ("264", 2): {"0": "sản xuất", "1": "xuất bản", "2": "phát hành", "3": "in, chế tạo", "4": "năm bản quyền"},
    ("490", 1): {"0": "tùng thư không làm tiêu đề bổ sung", "1": "tùng thư có tiêu đề bổ sung ở trường 8XX"},
    ("650", 2): {"0": "Bộ tiêu đề chủ đề của Thư viện Quốc hội Mỹ (LCSH)", "4": "không rõ nguồn",
                 "7": "nguồn ghi ở trường con $2"},
    ("651", 2): {"0": "Bộ tiêu đề chủ đề của Thư viện Quốc hội Mỹ (LCSH)", "4": "không rõ nguồn",
                 "7": "nguồn ghi ở trường con $2"},
}
SUBFIELD_NAME = {
    ("020", "a"): "ISBN", ("020", "c"): "giá tiền", ("041", "a"): "ngôn ngữ văn bản",
    ("041", "h"): "ngôn ngữ gốc", ("082", "a"): "chỉ số phân loại", ("082", "b"): "số tác giả",
    ("082", "2"): "lần xuất bản DDC", ("100", "a"): "tên cá nhân", ("100", "d"): "năm sinh, năm mất",
    ("100", "e"): "thuật ngữ chỉ trách nhiệm", ("245", "a"): "nhan đề chính",
    ("245", "b"): "phần còn lại của nhan đề", ("245", "c"): "thông tin trách nhiệm",
    ("245", "n"): "số phần", ("245", "p"): "tên phần", ("246", "a"): "nhan đề",
    ("250", "a"): "lần xuất bản", ("260", "a"): "nơi xuất bản", ("260", "b"): "nhà xuất bản",
    ("260", "c"): "năm xuất bản", ("264", "a"): "nơi xuất bản", ("264", "b"): "nhà xuất bản",
    ("264", "c"): "năm xuất bản", ("300", "a"): "số trang, số tập", ("300", "b"): "minh họa",
    ("300", "c"): "khổ sách", ("300", "e"): "tài liệu kèm theo", ("490", "a"): "tên tùng thư",
    ("490", "v"): "số thứ tự trong tùng thư", ("500", "a"): "phụ chú", ("504", "a"): "phụ chú thư mục",
    ("650", "a"): "chủ đề", ("650", "x"): "phụ đề chung", ("650", "y"): "phụ đề thời gian",
    ("650", "z"): "phụ đề địa lý", ("650", "v"): "phụ đề hình thức", ("651", "a"): "địa danh",
    ("700", "a"): "tên cá nhân", ("700", "e"): "thuật ngữ chỉ trách nhiệm",
    ("830", "a"): "nhan đề đồng nhất của tùng thư", ("830", "v"): "số thứ tự trong tùng thư",
}


def _ind_text(tag: str, n: int, value: str) -> str:
    shown = "\\" if value == " " else value
    meaning = IND_MEANING.get((tag, n), {}).get(value)
    return f"'{shown}' ({meaning})" if meaning else f"'{shown}'"


def _sub_label(tag: str, code: str) -> str:
    name = SUBFIELD_NAME.get((tag, code))
    return f"${code} ({name})" if name else f"${code}"


def field_to_mrk(f: Field) -> str:
    return write_mrk(Record(leader=None, fields=[f])).strip()


# --- the key --------------------------------------------------------------------------------------
@dataclass
class Variant:
    """What the key accepts for one of its fields besides the field itself."""
    tag: str
    occurrence: int = 1
    indicators: dict = field(default_factory=dict)  # {1: "01"}: accepted values
    accept: list = field(default_factory=list)  # other whole fields (Field), any tag
    values: dict = field(default_factory=dict)  # {"b": ["Nxb. Trẻ", ...]}: other accepted subfield values
    optional: bool = False
    why: str | None = None


@dataclass
class Key:
    record: Record
    lenient: bool = False
    variants: list = field(default_factory=list)
    ignore: tuple = DEFAULT_IGNORE
    extra_ok: tuple = ()
    lessons: dict = field(default_factory=dict)  # tag (or "1XX" or "default") -> lesson slug
    explain: dict = field(default_factory=dict)  # tag -> why (Vietnamese)

    def lesson_for(self, tag: str | None) -> str | None:
        if tag and tag in self.lessons:
            return self.lessons[tag]
        if tag and len(tag) == 3 and f"{tag[0]}XX" in self.lessons:
            return self.lessons[f"{tag[0]}XX"]
        return self.lessons.get("default")

    def ignored_tags(self) -> set:
        return {i for i in self.ignore if "/" not in i}

    def ignored_positions(self, tag: str) -> set:
        out = set()
        for item in self.ignore:
            if item.startswith(tag + "/"):
                span = item.split("/", 1)[1]
                a, _, b = span.partition("-")
                out.update(range(int(a), int(b or a) + 1))
        return out


@dataclass
class Result:
    score: float
    differences: list
    earned: float = 0.0
    total: float = 0.0

    def as_dict(self) -> dict:
        return {"score": self.score, "differences": self.differences}


# --- normalisation --------------------------------------------------------------------------------
# Vietnamese has two conventions for the tone mark of an open oa/oe/uy syllable: on the second vowel
# ("hoá", "thuỷ") or on the first ("hóa", "thủy"; the course's convention, courses/FORMAT.md). Both
# spell the same word, so values are compared in the second form. "quý" is the same in both.
_OLD_TONE = re.compile("(?<![qQ])([oOuU])([áàảãạéèẻẽẹýỳỷỹỵÁÀẢÃẠÉÈẺẼẸÝỲỶỸỴ])(?!\\w)")
_BASE = {"á": "a", "à": "a", "ả": "a", "ã": "a", "ạ": "a", "é": "e", "è": "e", "ẻ": "e", "ẽ": "e", "ẹ": "e",
         "ý": "y", "ỳ": "y", "ỷ": "y", "ỹ": "y", "ỵ": "y"}
_MARK = {"á": "\u0301", "à": "\u0300", "ả": "\u0309", "ã": "\u0303", "ạ": "\u0323",
         "é": "\u0301", "è": "\u0300", "ẻ": "\u0309", "ẽ": "\u0303", "ẹ": "\u0323",
         "ý": "\u0301", "ỳ": "\u0300", "ỷ": "\u0309", "ỹ": "\u0303", "ỵ": "\u0323"}


def _tone_first_vowel(m: re.Match) -> str:
    first, second = m.group(1), m.group(2)
    low = second.lower()
    base = _BASE[low].upper() if second.isupper() else _BASE[low]
    return nfc(first + _MARK[low]) + base


def normalise(value: str, lenient: bool) -> str:
    value = _WS.sub(" ", nfc(value)).strip()
    value = _OLD_TONE.sub(_tone_first_vowel, value)
    if lenient:
        value = _FINAL_PUNCT.sub("", value)
    return value


# --- field comparison -----------------------------------------------------------------------------
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
