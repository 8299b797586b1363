"""Reading and writing biểu ghi MARC 21: MARC mnemonic (.mrk), MARCXML and ISO 2709.

The format is decided by content, never by the file name:
  - text that starts with ``<`` is MARCXML (http://www.loc.gov/MARC21/slim);
  - text that starts with ``=`` is MARC mnemonic (MarcEdit's MarcBreaker ``.mrk``);
  - bytes that start with five digits and hold a field terminator are ISO 2709 (read by pymarc).

Every value is normalised to Unicode NFC on reading (keys may be NFD). A malformed input raises
``MarcFormatError`` with a Vietnamese message and, where it makes sense, the line number.

.mrk rules (MarcEdit's MarcBreaker):
  - one field per line, starting with ``=``; ``=LDR  `` carries the leader, ``=TAG  `` each field,
    with two spaces after the tag;
  - control fields (001-009) hold their data, where a blank is written ``\\``;
  - data fields start with two indicator characters (blank written ``\\``; ``#`` and a space are
    accepted too), then subfields introduced by ``$`` and their one-character code;
  - ``{dollar}`` is a literal ``$``; ``{bsol}`` a literal backslash; ``{lcub}``/``{rcub}`` braces;
  - records are separated by a blank line.
"""
from __future__ import annotations

import re

from .marcxml import MARCXML_NS, from_pymarc, read_iso2709, read_marcxml, to_pymarc, write_marcxml
from .model import Field, MarcFormatError, Record, Subfield, _check_chars, nfc
from .mrk import read_mrk, write_mrk

__all__ = ["MARCXML_NS", "Field", "MarcFormatError", "Record", "Subfield", "detect_format", "from_pymarc", "nfc",
           "read_iso2709", "read_marcxml", "read_mrk", "read_record", "read_records", "to_pymarc", "write_marcxml",
           "write_mrk", "_check_chars"]

MAX_INPUT_BYTES = 2_000_000  # one biểu ghi is a few KB; a collection file for tests is small too
MAX_FIELDS = 1000  # per biểu ghi: real records have tens of fields; this keeps the comparison cheap


# --- detection ----------------------------------------------------------------------------------
def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        text = data
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            line = data[: e.start].count(b"\n") + 1
            raise MarcFormatError("tệp không phải văn bản UTF-8 hợp lệ.", line) from None
    return text.lstrip("\ufeff")


def detect_format(data: bytes | str) -> str:
    """'marcxml', 'mrk' or 'iso2709', by content."""
    head = data[:64] if isinstance(data, bytes) else data[:64].encode("utf-8", "replace")
    head = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"<"):
        return "marcxml"
    if head.startswith(b"="):
        return "mrk"
    raw = data if isinstance(data, bytes) else data.encode("utf-8", "replace")
    if re.match(rb"\d{5}", head) and b"\x1e" in raw:
        return "iso2709"
    raise MarcFormatError(
        "không nhận ra khổ mẫu của tệp: biểu ghi phải ở dạng MARC mnemonic (.mrk, mỗi dòng bắt đầu "
        "bằng '=') hoặc MARCXML (bắt đầu bằng '<').", 1)


def read_records(data: bytes | str) -> list[Record]:
    if len(data) > MAX_INPUT_BYTES:
        raise MarcFormatError(f"tệp quá lớn (tối đa {MAX_INPUT_BYTES // 1000} KB).")
    if not (data.strip() if isinstance(data, str) else data.strip(b"\xef\xbb\xbf \t\r\n")):
        raise MarcFormatError("tệp rỗng: không có biểu ghi nào.")
    kind = detect_format(data)
    if kind == "mrk":
        return read_mrk(_decode(data))
    if kind == "marcxml":
        return read_marcxml(_decode(data))
    return read_iso2709(data if isinstance(data, bytes) else data.encode("utf-8"))


def read_record(data: bytes | str) -> Record:
    """Exactly one biểu ghi."""
    records = read_records(data)
    if len(records) != 1:
        raise MarcFormatError(f"tệp có {len(records)} biểu ghi; cần đúng một biểu ghi.")
    if len(records[0].fields) > MAX_FIELDS:
        raise MarcFormatError(f"biểu ghi có {len(records[0].fields)} trường, quá giới hạn {MAX_FIELDS} trường.")
    return records[0]
