"""The field-row editor, without JavaScript: the draft (.mrk text) as rows of inputs and back.

The leader and 008 are edited position by position, each input labelled with the position's
Vietnamese name (marc21.LEADER_POSITIONS, F008_*); the other fields are rows of tag, two
indicators and the subfields written as in .mrk (``$aNhan đề :$bphần còn lại``). Blanks are
written ``\\`` (``#`` and a space are accepted). Whatever is typed ends up as .mrk text, which the
reader checks with its own messages.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _

from ..core.errors import ServiceError
from . import marc21
from .mrk import _mrk_escape
from .records import MarcFormatError, read_record

LEADER_DEFAULT = "00000nam a2200000 a 4500"
F008_DEFAULT = " " * 40
MAX_ROWS = 300
BLANK_ROWS = 3
_ROW_KEY = re.compile(r"^tag-(\d{1,4})\Z")

# Leader positions the editor does not ask for: kept as they are (lengths, constants).
LEADER_GROUPS = marc21.LEADER_POSITIONS


def f008_groups(leader: str) -> list:
    """Every 008 position group, in order, for the editor (the checker's groups plus 32 for books)."""
    groups = marc21.f008_positions(leader)
    if any(start == 33 for start, *_r in groups):
        groups = sorted(groups + [(32, 32, "Không xác định (để trống)", None)])
    return groups


@dataclass
class Row:
    tag: str = ""
    ind1: str = ""
    ind2: str = ""
    value: str = ""  # subfields as .mrk ($a…), or a control field's data

    @property
    def control(self) -> bool:
        return self.tag.isdigit() and self.tag.startswith("00")


def _shown(text: str) -> str:
    return text.replace(" ", "\\")


def _typed(text: str) -> str:
    return text.replace("\\", " ").replace("#", " ")


@dataclass
class Rows:
    leader: str
    f008: str
    rows: list
    error: str | None = None  # the draft could not be read as a record

    def leader_inputs(self):
        return [(f"ldr-{s:02d}", s, e, name, _shown(self.leader[s:e + 1])) for s, e, name, _a in LEADER_GROUPS]

    def f008_inputs(self):
        return [(f"f008-{s:02d}", s, e, name, _shown(self.f008[s:e + 1])) for s, e, name, _a in f008_groups(self.leader)]


def rows_from_text(text: str, blank: int = BLANK_ROWS) -> Rows:
    """The draft as rows; an unreadable draft gives empty rows and the reader's message."""
    leader, f008, rows, error = LEADER_DEFAULT, F008_DEFAULT, [], None
    if text.strip():
        try:
            record = read_record(text)
        except MarcFormatError as e:
            error = e.text()
        else:
            leader = (record.leader or LEADER_DEFAULT).ljust(24)[:24]
            for f in record.fields:
                if f.tag == "008" and f.is_control:
                    f008 = (f.data or "").ljust(40)[:40]
                elif f.is_control:
                    rows.append(Row(f.tag, "", "", _shown(f.data or "")))
                else:
                    rows.append(Row(f.tag, _shown(f.ind1), _shown(f.ind2),
                                    "".join(f"${s.code}{_mrk_escape(s.value)}" for s in f.subfields)))
    rows += [Row() for _i in range(max(0, min(blank, 30)))]
    return Rows(leader, f008, rows, error)


def _one_line(text: str) -> str:
    return re.sub(r"[\r\n]+", " ", text).strip()


def _positions(form, prefix: str, base: str, groups, what: str) -> str:
    chars = list(base)
    for start, end, name, _allowed in groups:
        raw = form.get(f"{prefix}-{start:02d}")
        if raw is None:
            continue
        value = _typed(raw)
        width = end - start + 1
        if len(value) > width:
            raise ServiceError(_("%(what)s vị trí %(pos)s (%(name)s) chỉ có %(n)d ký tự.", what=what,
                                 pos=f"{start:02d}" if start == end else f"{start:02d}-{end:02d}", name=name,
                                 n=width), field="record")
        chars[start:end + 1] = list(value.ljust(width))
    return "".join(chars)


def text_from_rows(form) -> str:
    """The .mrk text of the rows a form posted (``ldr-NN``, ``f008-NN``, ``tag-i``, ``ind1-i``,
    ``ind2-i``, ``value-i``, and ``leader``/``f008`` for the positions not asked for)."""
    for value in form.values():
        if "\x00" in value:
            raise ServiceError(_("Không được chứa ký tự NUL."), field="record")
    base_leader = _typed(form.get("leader", LEADER_DEFAULT)).ljust(24)[:24]
    leader = _positions(form, "ldr", base_leader, LEADER_GROUPS, _("Đầu biểu"))
    base_008 = _typed(form.get("f008", F008_DEFAULT)).ljust(40)[:40]
    f008 = _positions(form, "f008", base_008, f008_groups(leader), _("Trường 008"))
    lines = ["=LDR  " + _shown(leader), "=008  " + _shown(f008)]
    indices = sorted(int(m.group(1)) for k in form if (m := _ROW_KEY.match(k)))
    if len(indices) > MAX_ROWS:
        raise ServiceError(_("Biểu ghi có quá nhiều dòng (tối đa %(n)d).", n=MAX_ROWS), field="record")
    for i in indices:
        tag = _one_line(form.get(f"tag-{i}", ""))
        value = _one_line(form.get(f"value-{i}", ""))
        if not tag and not value:
            continue
        if not tag:
            raise ServiceError(_("Dòng %(n)d có nội dung nhưng chưa có nhãn trường.", n=i + 1), field="record")
        row = Row(tag, form.get(f"ind1-{i}", "").strip()[:1] or "\\", form.get(f"ind2-{i}", "").strip()[:1] or "\\",
                  value)
        if row.control:
            lines.append(f"={tag}  {value}")
        else:
            lines.append(f"={tag}  {row.ind1}{row.ind2}{value}")
    return "\n".join(lines) + "\n"
