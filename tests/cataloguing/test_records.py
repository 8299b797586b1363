"""Reading and writing biểu ghi: real records written by others round-trip with score 1.0."""
import unicodedata

import pymarc
import pytest

from elearn.cataloguing.compare import Key, compare
from elearn.cataloguing.records import (MarcFormatError, detect_format, read_record, read_records,
                                        write_marcxml, write_mrk)
from tests.cataloguing.helpers import DATA, KEY_MRK, LOC_SAMPLE, load

# (index in the sample file, language code in 008/35-37)
LOC = [(0, "eng"), (1, "chi"), (2, "gre"), (3, "vie"), (4, "vie"), (5, "ara")]


def _loc(i):
    return read_records(load(LOC_SAMPLE))[i]


def _strip_nfc(text):
    return unicodedata.normalize("NFC", text)


@pytest.mark.parametrize("index,lang", LOC)
def test_loc_records_round_trip_through_mrk_and_marcxml_with_score_one(index, lang):
    original = _loc(index)
    assert original.get("008")[0].data[35:38] == lang
    mrk, xml = write_mrk(original), write_marcxml(original)
    from_mrk, from_xml = read_record(mrk), read_record(xml)
    assert from_mrk == from_xml == original  # nothing lost, in either format
    key = Key(record=original)
    assert compare(key, from_mrk).score == 1.0
    assert compare(key, from_xml).score == 1.0
    # and across formats: a MARCXML key against a .mrk submission
    assert compare(Key(record=read_record(xml)), read_record(mrk)).score == 1.0


def test_sample_covers_latin_vietnamese_greek_nfd_and_non_latin_scripts():
    raw = load(LOC_SAMPLE).decode("utf-8")
    records = raw.split("\x1d")[:-1]
    greek = records[2]
    assert "Glōssa" in unicodedata.normalize("NFC", greek)
    assert unicodedata.is_normalized("NFD", greek) and not unicodedata.is_normalized("NFC", greek)
    assert not unicodedata.is_normalized("NFC", records[3])  # Vietnamese in NFD
    assert any("\u4e00" <= ch <= "\u9fff" for ch in records[1])  # Han characters (880)
    assert any("\u0600" <= ch <= "\u06ff" for ch in records[5])  # Arabic script (880)


@pytest.mark.parametrize("name,count", [("pymarc-batch.xml", 2), ("pymarc-utf8.xml", 1)])
def test_pymarc_marcxml_test_files_round_trip(name, count):
    records = read_records(load(f"{DATA}/{name}"))
    assert len(records) == count
    for rec in records:
        again = read_record(write_mrk(rec))
        assert again == rec
        assert compare(Key(record=rec), again).score == 1.0
        assert compare(Key(record=rec), read_record(write_marcxml(rec))).score == 1.0


def test_our_marcxml_is_read_by_pymarc_the_same_way():
    for rec in read_records(load(LOC_SAMPLE)):
        import io

        theirs = pymarc.parse_xml_to_array(io.BytesIO(write_marcxml(rec).encode("utf-8")))[0]
        assert str(theirs.leader) == rec.leader
        assert [f.tag for f in theirs.fields] == [f.tag for f in rec.fields]
        for ours, other in zip(rec.fields, theirs.fields):
            if ours.is_control:
                assert other.data == ours.data
            else:
                assert [(s.code, _strip_nfc(s.value)) for s in other.subfields] == \
                       [(s.code, s.value) for s in ours.subfields]


def test_nfd_key_against_nfc_submission_scores_one():
    greek = _loc(2)
    nfd_text = unicodedata.normalize("NFD", write_mrk(greek))
    nfc_text = unicodedata.normalize("NFC", write_mrk(greek))
    assert nfd_text != nfc_text
    result = compare(Key(record=read_record(nfd_text.encode("utf-8"))), read_record(nfc_text))
    assert result.score == 1.0 and result.differences == []
    viet_nfd = unicodedata.normalize("NFD", KEY_MRK)
    assert viet_nfd != KEY_MRK
    assert compare(Key(record=read_record(viet_nfd)), read_record(KEY_MRK)).score == 1.0


def test_format_is_decided_by_content_not_by_name(tmp_path):
    rec = read_record(KEY_MRK)
    assert detect_format(KEY_MRK) == "mrk"
    assert detect_format(write_marcxml(rec)) == "marcxml"
    assert detect_format(load(LOC_SAMPLE)) == "iso2709"
    assert detect_format("\ufeff  " + KEY_MRK) == "mrk"  # a BOM and blank lines first
    misnamed = tmp_path / "record.xml"
    misnamed.write_text(KEY_MRK, encoding="utf-8")
    assert read_record(misnamed.read_bytes()) == rec


def test_mrk_rules_dollar_blanks_and_escapes():
    text = ("=LDR  00000nam\\a2200000\\a\\4500\n"
            "=001  ab\\c\n"
            "=020  \\\\$a9786040000026$c{dollar}15\n"
            "=245  1#$aA {dollar}1 title {lcub}x{rcub} with a \\ backslash\n")
    rec = read_record(text)
    assert rec.leader == "00000nam a2200000 a 4500"
    assert rec.get("001")[0].data == "ab c"
    f020 = rec.get("020")[0]
    assert (f020.ind1, f020.ind2) == (" ", " ")
    assert f020.values("c") == ["$15"]
    f245 = rec.get("245")[0]
    assert (f245.ind1, f245.ind2) == ("1", " ")
    assert f245.values("a") == ["A $1 title {x} with a \\ backslash"]
    # values that look like mnemonics survive a round trip
    f245.subfields[0].value = "literal {dollar} and $ and {lcub}"
    assert read_record(write_mrk(rec)) == rec
    assert "=020  \\\\$a9786040000026$c{dollar}15" in write_mrk(rec)


def test_crlf_and_several_records_separated_by_blank_lines():
    two = (KEY_MRK + "\n" + KEY_MRK).replace("\n", "\r\n")
    records = read_records(two)
    assert len(records) == 2 and records[0] == records[1] == read_record(KEY_MRK)
    with pytest.raises(MarcFormatError) as e:
        read_record(two)
    assert "cần đúng một biểu ghi" in e.value.text()


@pytest.mark.parametrize("text,line,words", [
    ("=LDR  00000nam\\a2200000\\a\\4500\n245  10$aX\n", 2, "phải bắt đầu bằng '='"),
    ("=LDR  00000nam\\a2200000\\a\\4500\n=245 10$aX\n", 2, "hai dấu cách"),
    ("=LDR  00000nam\\a2200000\\a\\4500\n=24  10$aX\n", 2, "nhãn trường '24 ' không hợp lệ"),
    ("=LDR  00000nam\\a2200000\\a\\4500\n=2$5  10$aX\n", 2, "không hợp lệ"),
    ("=LDR  00000nam\\a2200000\\a\\4500\n=2x5!  10$aX\n", 2, "hai dấu cách"),
    ("=LDR  00000nam\\a2200000\\a\\4500\n=008  x\n=245  10aTitle\n", 3, "bắt đầu bằng '$'"),
    ("=LDR  00000nam\\a2200000\\a\\4500\n=245  10$aGiá 5$\n", 2, "không kèm mã trường con"),
    ("=LDR  00000nam\\a2200000\\a\\4500\n=245  1\n", 2, "thiếu hai ký tự chỉ thị"),
    ("=LDR  00000nam\\a2200000\\a\\4500\n=700  $0$aLê Thị B\n", 2, "hai ký tự sau nhãn là hai chỉ thị"),
    ("=LDR  x\n=LDR  y\n", 2, "hai dòng đầu biểu"),
    ('<?xml version="1.0"?>\n<record xmlns="http://www.loc.gov/MARC21/slim">\n<leader>x</leader>\n'
     '<datafield tag="245" ind1="1" ind2="0"><subfield code="a">X</subfield>\n</record>\n', 5, "MARCXML không hợp lệ"),
    ('<record>\n<datafield tag="245" ind1="10" ind2="0"></datafield></record>', 2, "đúng một ký tự"),
    ('<record>\n<datafield ind1="1" ind2="0"></datafield></record>', 2, "thiếu thuộc tính tag"),
    ('<record>\n<datafield tag="245" ind1="1" ind2="0">\n<subfield>X</subfield></datafield></record>', 3,
     "thuộc tính code"),
    ('<record>\n<foo/></record>', 2, "không thuộc khổ mẫu MARCXML"),
    ("=LDR  00000nam\\a2200000\\a\\4500\n=245  10$aVùng\x1fquê\n", 2, "ký tự điều khiển U+001F"),
    ("=LDR  00000nam\\a2200000\\a\\4500\n\n=020  \\\\$aGiá $ 15\n", 3, "không phải dấu cách"),
    ('<record>\n<datafield tag="24 5" ind1="1" ind2="0"></datafield></record>', 2, "nhãn trường '24 5'"),
    ('<record>\n<controlfield tag="300&#10;">x</controlfield></record>', 2, "nhãn trường '300\\n'"),
    ('<record>\n<datafield tag="245" ind1="#" ind2="0"></datafield></record>', 2, "chỉ thị phải là chữ, số"),
    ('<record>\n<datafield tag="245" ind1="1" ind2="0">\n<subfield code="$">X</subfield></datafield></record>', 3,
     "thuộc tính code"),
    ("=LDR  00000nam\\a2200000\\a\\4500\n=245  10$aA\x00\n", 2, "ký tự điều khiển U+0000"),
])
def test_malformed_input_gives_a_vietnamese_error_with_the_line(text, line, words):
    with pytest.raises(MarcFormatError) as e:
        read_record(text)
    assert e.value.line == line
    assert words in e.value.message
    assert e.value.text().startswith(f"Dòng {line}: ")


@pytest.mark.parametrize("data,words", [
    (b"", "tệp rỗng"),
    (b"   \n\n", "tệp rỗng"),
    (b"Hello, this is not MARC", "không nhận ra khổ mẫu"),
    (b"=245  10$a\xff\xfe\n", "UTF-8"),
    (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><record>&a;</record>', "DOCTYPE"),
    (b'<collection xmlns="http://www.loc.gov/MARC21/slim"></collection>', "không có thẻ <record>"),
    (b"00026nam  2200025   4500\x1e\x1d", "ISO 2709"),
])
def test_other_malformed_inputs(data, words):
    with pytest.raises(MarcFormatError) as e:
        read_record(data)
    assert words in e.value.text()


def test_input_size_is_limited():
    from elearn.cataloguing.records import MAX_INPUT_BYTES

    big = KEY_MRK + "=500  \\\\$a" + "x" * MAX_INPUT_BYTES + "\n"
    with pytest.raises(MarcFormatError) as e:
        read_records(big)
    assert "tệp quá lớn" in e.value.text()
    assert read_records(KEY_MRK)  # a normal record is fine
