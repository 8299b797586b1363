"""The biểu ghi as the checker holds it (leader, control and data fields, subfields), and the
error a malformed input raises."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

class MarcFormatError(ValueError):
    """Malformed input. ``message`` is Vietnamese; ``line`` is 1-based or None."""

    def __init__(self, message: str, line: int | None = None):
        self.message = message
        self.line = line
        super().__init__(self.text())

    def text(self) -> str:
        return f"Dòng {self.line}: {self.message}" if self.line else self.message


@dataclass
class Subfield:
    code: str
    value: str


@dataclass
class Field:
    tag: str
    ind1: str = " "
    ind2: str = " "
    subfields: list[Subfield] = field(default_factory=list)
    data: str | None = None  # control fields only
    line: int | None = field(default=None, compare=False)  # where it was read, for messages

    @property
    def is_control(self) -> bool:
        return self.data is not None

    def values(self, code: str) -> list[str]:
        return [s.value for s in self.subfields if s.code == code]


@dataclass
class Record:
    leader: str | None = None
    fields: list[Field] = field(default_factory=list)

    def get(self, tag: str) -> list[Field]:
        return [f for f in self.fields if f.tag == tag]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# C0 control characters (and DEL) have no place in MARC data and cannot be written to MARCXML (nor a
# carriage return inside a .mrk line); the tab is tolerated.
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def _check_chars(text: str, line: int | None) -> None:
    m = _CONTROL_CHARS.search(text)
    if m:
        raise MarcFormatError(f"có ký tự điều khiển U+{ord(m.group(0)):04X} không được phép trong biểu ghi "
                              f"(cột {m.start() + 1}).", line)
