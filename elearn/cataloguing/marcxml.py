"""MARCXML (http://www.loc.gov/MARC21/slim) and ISO 2709 (through pymarc)."""
from __future__ import annotations

import re
from xml.parsers import expat
from xml.sax.saxutils import escape, quoteattr

from .model import _CONTROL_CHARS, Field, MarcFormatError, Record, Subfield, _check_chars, nfc
from .mrk import _TAG_RE, _valid_indicator

MARCXML_NS = "http://www.loc.gov/MARC21/slim"


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
