"""MARC mnemonic (.mrk, MarcEdit's MarcBreaker): reading and writing (rules in ``records``)."""
from __future__ import annotations

import re

from .model import Field, MarcFormatError, Record, Subfield, _check_chars, nfc

_MNEMONICS = {"{dollar}": "$", "{bsol}": "\\", "{lcub}": "{", "{rcub}": "}"}
_MNEMONIC_RE = re.compile("|".join(re.escape(k) for k in _MNEMONICS))
_TAG_RE = re.compile(r"^[0-9A-Za-z]{3}\Z")


def _unmnemonic(text: str) -> str:
    return _MNEMONIC_RE.sub(lambda m: _MNEMONICS[m.group(0)], text)


def _is_control_tag(tag: str) -> bool:
    return tag.isdigit() and tag.startswith("00")


def read_mrk(text: str) -> list[Record]:
    records: list[Record] = []
    current: Record | None = None
    for lineno, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            if current is not None:
                records.append(current)
                current = None
            continue
        _check_chars(line, lineno)
        if not line.startswith("="):
            raise MarcFormatError(
                f"mỗi dòng của tệp .mrk phải bắt đầu bằng '=' và nhãn trường (ví dụ '=245  10$a...'); "
                f"dòng này bắt đầu bằng {line[:12]!r}.", lineno)
        tag = line[1:4]
        if not _TAG_RE.match(tag) and tag != "LDR":
            raise MarcFormatError(f"nhãn trường {tag!r} không hợp lệ: nhãn gồm đúng 3 chữ số (ví dụ 245).",
                                  lineno)
        if line[4:6] != "  ":
            raise MarcFormatError(
                f"sau nhãn {tag} phải có đúng hai dấu cách (ví dụ '={tag}  ...').", lineno)
        body = line[6:]
        if current is None:
            current = Record()
        if tag == "LDR":
            if current.leader is not None:
                raise MarcFormatError("biểu ghi có hai dòng đầu biểu (=LDR).", lineno)
            current.leader = nfc(_unmnemonic(body.replace("\\", " ")))
        elif _is_control_tag(tag):
            current.fields.append(Field(tag, data=nfc(_unmnemonic(body.replace("\\", " "))), line=lineno))
        else:
            current.fields.append(_parse_mrk_datafield(tag, body, lineno))
    if current is not None:
        records.append(current)
    if not records:
        raise MarcFormatError("tệp rỗng: không có biểu ghi nào.")
    return records


def _valid_indicator(ch: str) -> bool:
    return ch == " " or (ch.isascii() and ch.isalnum())


def _indicator(ch: str) -> str:
    return " " if ch in ("\\", "#", " ") else ch


def _parse_mrk_datafield(tag: str, body: str, lineno: int) -> Field:
    if len(body) < 2:
        raise MarcFormatError(f"trường {tag} thiếu hai ký tự chỉ thị (viết '\\' cho chỉ thị trống).", lineno)
    ind1, ind2 = _indicator(body[0]), _indicator(body[1])
    if not all(_valid_indicator(c) for c in (ind1, ind2)):
        raise MarcFormatError(
            f"trường {tag}: hai ký tự sau nhãn là hai chỉ thị, mỗi chỉ thị là chữ, số hoặc '\\' (trống); "
            f"ở đây là {body[:2]!r}.", lineno)
    rest = body[2:]
    if not rest.startswith("$"):
        raise MarcFormatError(
            f"trường {tag}: sau hai chỉ thị phải là một trường con bắt đầu bằng '$' "
            f"(ví dụ '={tag}  10$a...'); ở đây là {rest[:10]!r}.", lineno)
    subfields = []
    for chunk in rest[1:].split("$"):
        if not chunk:
            raise MarcFormatError(
                f"trường {tag}: có dấu '$' không kèm mã trường con (một '$' trong dữ liệu viết là "
                "'{dollar}').", lineno)
        if chunk[0].isspace():
            raise MarcFormatError(
                f"trường {tag}: sau dấu '$' phải là mã trường con (chữ hoặc số), không phải dấu cách "
                "(một '$' trong dữ liệu viết là '{dollar}').", lineno)
        subfields.append(Subfield(chunk[0], nfc(_unmnemonic(chunk[1:]))))
    return Field(tag, ind1, ind2, subfields, line=lineno)


def _mrk_escape(text: str) -> str:
    # Braces first, only where they would read as a mnemonic; then the dollar sign.
    text = _MNEMONIC_RE.sub(lambda m: "{lcub}" + m.group(0)[1:], text)
    return text.replace("$", "{dollar}")


def write_mrk(record: Record) -> str:
    lines = []
    if record.leader is not None:
        lines.append("=LDR  " + _mrk_escape(record.leader).replace("\\", "{bsol}").replace(" ", "\\"))
    for f in record.fields:
        if f.is_control:
            lines.append(f"={f.tag}  " + _mrk_escape(f.data).replace("\\", "{bsol}").replace(" ", "\\"))
        else:
            ind = "".join("\\" if c == " " else c for c in (f.ind1, f.ind2))
            subs = "".join(f"${s.code}{_mrk_escape(s.value)}" for s in f.subfields)
            lines.append(f"={f.tag}  {ind}{subs}")
    return "\n".join(lines) + "\n"
