"""Structural check of a biểu ghi, in the manner of MARC::Lint: tags, indicators and subfields that
MARC 21 defines, repeatability, required fields, and the lengths of the leader and 008.

``lint(record)`` returns a list of ``Problem`` (severity "error" or "warning"), each with a
Vietnamese message. It never raises on a parsed record.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from . import marc21
from .records import Field, Record

_TAG = re.compile(r"^[0-9]{3}\Z")
_CODE = re.compile(r"^[a-z0-9]\Z")


@dataclass
class Problem:
    tag: str
    message: str
    severity: str = "error"  # or "warning"
    ind: int | None = None
    code: str | None = None
    line: int | None = None

    def as_difference(self) -> dict:
        d = {"tag": self.tag, "ind": self.ind, "code": self.code, "expected": None, "got": None,
             "message": self.message, "kind": "lint", "severity": self.severity}
        if self.line:
            d["line"] = self.line
        return d


def _show(ch: str) -> str:
    return "trống (\\)" if ch == " " else repr(ch)


def _allowed_text(values: str) -> str:
    return ", ".join("trống (\\)" if c == " " else c for c in values)


def lint(record: Record) -> list[Problem]:
    problems: list[Problem] = []
    add = problems.append

    # Leader (bdleader.html)
    leader = record.leader
    if leader is None:
        add(Problem("LDR", "Thiếu đầu biểu (=LDR): mọi biểu ghi MARC 21 đều bắt đầu bằng đầu biểu 24 ký tự."))
    elif len(leader) != 24:
        add(Problem("LDR", f"Đầu biểu phải dài đúng 24 ký tự (vị trí 00-23); ở đây dài {len(leader)} ký tự."))
    else:
        for start, end, name, allowed in marc21.LEADER_POSITIONS:
            value = leader[start:end + 1]
            if allowed and value not in allowed:
                add(Problem("LDR", f"Đầu biểu vị trí {start:02d} ({name}): giá trị {_show(value)} không được "
                                   f"MARC 21 định nghĩa; giá trị hợp lệ: {_allowed_text(allowed)}.",
                            code=f"{start:02d}"))
        for pos, expected in marc21.LEADER_CONSTANTS.items():
            if leader[pos] != expected:
                add(Problem("LDR", f"Đầu biểu vị trí {pos:02d} phải là {expected!r} (cố định trong MARC 21); "
                                   f"ở đây là {_show(leader[pos])}.", code=f"{pos:02d}"))

    counts = Counter(f.tag for f in record.fields)
    for tag in marc21.REQUIRED:
        if tag != "LDR" and counts[tag] == 0:
            add(Problem(tag, f"Thiếu trường bắt buộc {tag} ({marc21.field_name(tag)})."))

    seen_nr: set[str] = set()
    for f in record.fields:
        _lint_field(f, record, add, counts, seen_nr)
    return problems


def _lint_field(f: Field, record: Record, add, counts, seen_nr) -> None:
    tag = f.tag
    if not _TAG.match(tag):
        add(Problem(tag, f"Nhãn trường {tag!r} không hợp lệ: nhãn gồm đúng 3 chữ số.", line=f.line))
        return
    control = tag.startswith("00")
    if control and not f.is_control:
        add(Problem(tag, f"Trường {tag} là trường kiểm soát: không có chỉ thị và trường con, chỉ có dữ liệu.",
                    line=f.line))
        return
    if not control and f.is_control:
        add(Problem(tag, f"Trường {tag} là trường dữ liệu: cần hai chỉ thị và ít nhất một trường con ($a...).",
                    line=f.line))
        return

    if control:
        name, repeatable = marc21.CONTROL_FIELDS.get(tag, ("", True))
        if not repeatable and counts[tag] > 1 and tag not in seen_nr:
            seen_nr.add(tag)
            add(Problem(tag, f"Trường {tag} ({name}) không lặp (NR) nhưng xuất hiện {counts[tag]} lần.",
                        line=f.line))
        length = marc21.LENGTHS.get(tag)
        if length and len(f.data) != length:
            add(Problem(tag, f"Trường {tag} ({name}) phải dài đúng {length} ký tự; ở đây dài {len(f.data)} ký tự.",
                        line=f.line))
        if tag == "008" and len(f.data) == 40 and record.leader and len(record.leader) == 24:
            for start, end, pname, allowed in marc21.f008_positions(record.leader):
                value = f.data[start:end + 1]
                if allowed and value not in allowed:
                    add(Problem("008", f"Trường 008 vị trí {start:02d} ({pname}): giá trị {_show(value)} không được "
                                       f"MARC 21 định nghĩa; giá trị hợp lệ: {_allowed_text(allowed)}.",
                                code=f"{start:02d}", line=f.line))
        return

    if tag == "880":
        _lint_linked(f, add)
        return
    if marc21.is_local(tag):
        return
    definition = marc21.FIELDS.get(tag)
    if definition is None:
        if tag in marc21.OBSOLETE_TAGS:
            add(Problem(tag, f"Trường {tag} đã lỗi thời trong MARC 21: {marc21.OBSOLETE_TAGS[tag]}.",
                        severity="warning", line=f.line))
        elif tag not in marc21.OTHER_DEFINED_TAGS:
            add(Problem(tag, f"Trường {tag} không được MARC 21 (khổ mẫu thư mục) định nghĩa.", line=f.line))
        else:
            _lint_subfield_syntax(f, add)
        return

    if not definition.repeatable and counts[tag] > 1 and tag not in seen_nr:
        seen_nr.add(tag)
        add(Problem(tag, f"Trường {tag} ({definition.name}) không lặp (NR) nhưng xuất hiện {counts[tag]} lần.",
                    line=f.line))
    for n, (value, allowed) in enumerate(((f.ind1, definition.ind1), (f.ind2, definition.ind2)), start=1):
        if allowed is None:
            if value != " ":
                add(Problem(tag, f"Trường {tag}: chỉ thị {n} không được định nghĩa, phải để trống (\\); "
                                 f"ở đây là {_show(value)}.", ind=n, line=f.line))
        elif value not in allowed:
            add(Problem(tag, f"Trường {tag}: chỉ thị {n} có giá trị {_show(value)} không hợp lệ; "
                             f"giá trị hợp lệ: {_allowed_text(allowed)}.", ind=n, line=f.line))
    if not f.subfields:
        add(Problem(tag, f"Trường {tag} không có trường con nào.", line=f.line))
        return
    allowed_subs = definition.allowed_subfields()
    sub_counts = Counter(s.code for s in f.subfields)
    reported = set()
    for s in f.subfields:
        if s.code not in allowed_subs:
            if s.code not in reported:
                reported.add(s.code)
                add(Problem(tag, f"Trường {tag}: trường con ${s.code} không được MARC 21 định nghĩa cho trường này.",
                            code=s.code, line=f.line))
        elif not allowed_subs[s.code] and sub_counts[s.code] > 1 and s.code not in reported:
            reported.add(s.code)
            add(Problem(tag, f"Trường {tag}: trường con ${s.code} không lặp (NR) nhưng xuất hiện "
                             f"{sub_counts[s.code]} lần.", code=s.code, line=f.line))
        if not s.value.strip() and s.code not in reported:
            reported.add(s.code)
            add(Problem(tag, f"Trường {tag}: trường con ${s.code} rỗng.", code=s.code, line=f.line))
    # MARC::Lint checks the ISBN's check digit (check_020); an invalid ISBN belongs in $z (bd020.html)
    if tag == "020":
        for value in f.values("a"):
            if isbn_ok(value) is False:
                add(Problem(tag, f"Trường 020: ISBN '{value}' sai số kiểm tra (hoặc sai số chữ số); kiểm tra lại, "
                                 "ISBN in sai trên sách thì ghi ở $z.", severity="warning", code="a", line=f.line))


def isbn_ok(value: str) -> bool | None:
    """True/False for a valid/invalid ISBN-10 or ISBN-13 at the start of ``value`` (hyphens and
    spaces allowed, a qualifier may follow); None when there is no ISBN-like number to check."""
    m = re.match(r"\s*([0-9][0-9 -]{8,16}[0-9Xx])\b", value)
    if not m:
        return None
    digits = re.sub(r"[ -]", "", m.group(1)).upper()
    if len(digits) == 10 and digits[:9].isdigit():
        total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(digits))
        return total % 11 == 0
    if len(digits) == 13 and digits.isdigit():
        total = sum((1 if i % 2 == 0 else 3) * int(c) for i, c in enumerate(digits))
        return total % 10 == 0
    return False


def _lint_subfield_syntax(f: Field, add) -> None:
    if not f.subfields:
        add(Problem(f.tag, f"Trường {f.tag} không có trường con nào.", line=f.line))
    for s in f.subfields:
        if not _CODE.match(s.code):
            add(Problem(f.tag, f"Trường {f.tag}: mã trường con {s.code!r} không hợp lệ (chữ thường a-z hoặc số 0-9).",
                        code=s.code, line=f.line))
            return


def _lint_linked(f: Field, add) -> None:
    """880 Alternate Graphic Representation (bd880.html): $6 is required and comes first."""
    if not f.subfields or f.subfields[0].code != "6":
        add(Problem("880", "Trường 880 phải bắt đầu bằng trường con $6 (liên kết tới trường gốc).", code="6",
                    line=f.line))
    _lint_subfield_syntax(f, add)
