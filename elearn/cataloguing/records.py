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
import unicodedata
from dataclasses import dataclass, field
from xml.parsers import expat
from xml.sax.saxutils import escape, quoteattr

MARCXML_NS = "http://www.loc.gov/MARC21/slim"
MAX_INPUT_BYTES = 2_000_000  # one biểu ghi is a few KB; a collection file for tests is small too
MAX_FIELDS = 1000  # per biểu ghi: real records have tens of fields; this keeps the comparison cheap


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


# --- .mrk ---------------------------------------------------------------------------------------
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


# --- MARCXML ------------------------------------------------------------------------------------
def _check_tag(tag: str, line: int) -> None:
    if not _TAG_RE.match(tag):
        raise MarcFormatError(f"nhãn trường {tag!r} không hợp lệ: nhãn gồm đúng 3 chữ số (ví dụ 245).", line)


def _xml_text(parts: list[str]) -> str:
    # A line break inside a MARCXML value (a pretty-printer's wrap) becomes a space: MARC values
    # carry no line breaks, and .mrk could not write one.
    return nfc(re.sub(r"[\r\n]+", " ", "".join(parts)))


def read_marcxml(text: str) -> list[Record]:
    if re.search(r"<!(DOCTYPE|ENTITY)", text):
        raise MarcFormatError("tệp MARCXML không được chứa khai báo DOCTYPE hoặc ENTITY.")
    parser = expat.ParserCreate(encoding="UTF-8", namespace_separator=" ")  # the text is already decoded
    records: list[Record] = []
    state = {"rec": None, "field": None, "sub": None, "text": [], "leader": False}

    def where():
        return parser.CurrentLineNumber

    def local(name):
        ns, _, loc = name.rpartition(" ")
        if ns and ns != MARCXML_NS:
            return None
        return loc

    def start(name, attrs):
        loc = local(name)
        if loc in ("collection", None):
            return
        if loc == "record":
            state["rec"] = Record()
            return
        rec = state["rec"]
        if rec is None:
            raise MarcFormatError(f"thẻ <{loc}> nằm ngoài <record>.", where())
        if loc == "leader":
            state["leader"], state["text"] = True, []
        elif loc == "controlfield":
            tag = attrs.get("tag")
            if not tag:
                raise MarcFormatError("thẻ <controlfield> thiếu thuộc tính tag.", where())
            _check_tag(tag, where())
            state["field"], state["text"] = Field(tag, data="", line=where()), []
        elif loc == "datafield":
            tag = attrs.get("tag")
            if not tag:
                raise MarcFormatError("thẻ <datafield> thiếu thuộc tính tag.", where())
            _check_tag(tag, where())
            ind1, ind2 = attrs.get("ind1", " "), attrs.get("ind2", " ")
            if len(ind1) != 1 or len(ind2) != 1:
                raise MarcFormatError(f"trường {tag}: mỗi chỉ thị (ind1, ind2) là đúng một ký tự.", where())
            if not all(_valid_indicator(c) for c in (ind1, ind2)):
                raise MarcFormatError(f"trường {tag}: chỉ thị phải là chữ, số hoặc dấu cách (trống); ở đây là "
                                      f"{ind1!r}, {ind2!r}.", where())
            state["field"] = Field(tag, ind1, ind2, [], line=where())
        elif loc == "subfield":
            if state["field"] is None or state["field"].is_control:
                raise MarcFormatError("thẻ <subfield> phải nằm trong <datafield>.", where())
            code = attrs.get("code")
            if code is None or len(code) != 1 or code == "$" or code.isspace() or _CONTROL_CHARS.match(code):
                raise MarcFormatError("thẻ <subfield> phải có thuộc tính code là một ký tự (chữ hoặc số).", where())
            state["sub"], state["text"] = code, []
        else:
            raise MarcFormatError(f"thẻ <{loc}> không thuộc khổ mẫu MARCXML.", where())

    def end(name):
        loc = local(name)
        if loc is None or loc == "collection":
            return
        rec = state["rec"]
        if loc == "record":
            records.append(rec)
            state["rec"] = None
        elif loc == "leader":
            rec.leader = _xml_text(state["text"])
            state["leader"] = False
        elif loc == "controlfield":
            f = state["field"]
            f.data = _xml_text(state["text"])
            rec.fields.append(f)
            state["field"] = None
        elif loc == "datafield":
            rec.fields.append(state["field"])
            state["field"] = None
        elif loc == "subfield":
            state["field"].subfields.append(Subfield(state["sub"], _xml_text(state["text"])))
            state["sub"] = None

    def chars(data):
        state["text"].append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(text.encode("utf-8"), True)
    except expat.ExpatError as e:
        raise MarcFormatError(f"MARCXML không hợp lệ ({expat.ErrorString(e.code)}).",
                              e.lineno) from None
    if not records:
        raise MarcFormatError("tệp MARCXML không có thẻ <record> nào.")
    return records


def write_marcxml(record: Record, collection: bool = False) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>']
    if collection:
        out.append(f'<collection xmlns="{MARCXML_NS}">')
        out.append("<record>")
    else:
        out.append(f'<record xmlns="{MARCXML_NS}">')
    if record.leader is not None:
        out.append(f"  <leader>{escape(record.leader)}</leader>")
    for f in record.fields:
        if f.is_control:
            out.append(f"  <controlfield tag={quoteattr(f.tag)}>{escape(f.data)}</controlfield>")
        else:
            out.append(f"  <datafield tag={quoteattr(f.tag)} ind1={quoteattr(f.ind1)} ind2={quoteattr(f.ind2)}>")
            for s in f.subfields:
                out.append(f"    <subfield code={quoteattr(s.code)}>{escape(s.value)}</subfield>")
            out.append("  </datafield>")
    out.append("</record>")
    if collection:
        out.append("</collection>")
    return "\n".join(out) + "\n"


# --- ISO 2709 (through pymarc) ------------------------------------------------------------------
def read_iso2709(data: bytes) -> list[Record]:
    import pymarc

    records = []
    reader = pymarc.MARCReader(data, to_unicode=True, force_utf8=True, utf8_handling="strict")
    for i, rec in enumerate(reader, start=1):
        if rec is None:
            raise MarcFormatError(f"biểu ghi ISO 2709 thứ {i} bị hỏng ({reader.current_exception}).")
        records.append(from_pymarc(rec))
    if not records:
        raise MarcFormatError("tệp ISO 2709 không có biểu ghi nào.")
    return records


def from_pymarc(rec) -> Record:
    _check_chars(str(rec.leader), None)
    for f in rec.fields:
        _check_chars(f.data if f.is_control_field() else "".join(s.value for s in f.subfields), None)
    out = Record(leader=nfc(str(rec.leader)))
    for f in rec.fields:
        if f.is_control_field():
            out.fields.append(Field(f.tag, data=nfc(f.data)))
        else:
            out.fields.append(Field(f.tag, f.indicator1 or " ", f.indicator2 or " ",
                                    [Subfield(s.code, nfc(s.value)) for s in f.subfields]))
    return out


def to_pymarc(record: Record):
    import pymarc

    rec = pymarc.Record(force_utf8=True)
    if record.leader is not None and len(record.leader) == 24:
        rec.leader = pymarc.Leader(record.leader)
    for f in record.fields:
        if f.is_control:
            rec.add_field(pymarc.Field(tag=f.tag, data=f.data))
        else:
            rec.add_field(pymarc.Field(tag=f.tag, indicators=pymarc.Indicators(f.ind1, f.ind2),
                                       subfields=[pymarc.Subfield(s.code, s.value) for s in f.subfields]))
    return rec
