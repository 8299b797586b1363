"""The structural check (MARC::Lint-like)."""
import pytest

from elearn.cataloguing import marc21
from elearn.cataloguing.lint import lint
from elearn.cataloguing.records import read_record, read_records
from tests.cataloguing.helpers import KEY_MRK, LOC_SAMPLE, load, replace_line


def _problems(mrk):
    return lint(read_record(mrk))


def test_a_good_record_is_clean():
    assert _problems(KEY_MRK) == []


@pytest.mark.parametrize("prefix,new,tag,words", [
    # repeatability of fields
    ("=300", "=245  10$aNhan đề thứ hai.", "245", "không lặp (NR) nhưng xuất hiện 2 lần"),
    ("=041", "=100  0\\$aTác giả thứ hai", "100", "không lặp (NR)"),
    # indicators
    ("=100", "=100  2\\$aNguyễn Kim Dần", "100", "chỉ thị 1 có giá trị '2' không hợp lệ"),
    ("=100", "=100  05$aNguyễn Kim Dần", "100", "chỉ thị 2 không được định nghĩa, phải để trống"),
    ("=260", "=264  \\9$aHà Nội :$bNxb. A,$c1999.", "264", "chỉ thị 2 có giá trị '9' không hợp lệ"),
    ("=650", "=650  \\9$aX", "650", "chỉ thị 2"),
    # subfields
    ("=245", "=245  10$aNhan đề$zsai", "245", "trường con $z không được MARC 21 định nghĩa"),
    ("=245", "=245  10$aMột$aHai", "245", "trường con $a không lặp (NR) nhưng xuất hiện 2 lần"),
    ("=300", "=300  \\\\$a356 tr.$c19 cm.$c20 cm.", None, None),  # 300 $c is repeatable
    ("=245", "=245  10$a", "245", "trường con $a rỗng"),
    # tags
    ("=650", "=123  \\\\$aX", "123", "không được MARC 21"),
    ("=650", "=399  \\\\$aX", None, None),  # X9X: local, accepted
    ("=650", "=440  \\0$aTùng thư", "440", "lỗi thời"),
    ("=650", "=999  \\\\$aGhi chú nội bộ", None, None),  # local field: accepted
    ("=008", "=008  261130s1999", "008", "phải dài đúng 40 ký tự"),
    ("=LDR", "=LDR  00000nam", "LDR", "phải dài đúng 24 ký tự"),
    ("=LDR", "=LDR  00000nxm\\a2200000\\a\\4500", "LDR", "vị trí 06"),
    ("=008", "=008  261130x1999\\\\\\\\vm\\\\\\\\\\\\\\\\\\\\\\\\000\\1\\vie\\d", "008", "vị trí 06"),
])
def test_structural_problems_are_named(prefix, new, tag, words):
    problems = _problems(replace_line(KEY_MRK, prefix, new))
    if tag is None:
        assert problems == []
        return
    assert problems, "a problem must be found"
    assert any(p.tag == tag and words in p.message for p in problems), [p.message for p in problems]


@pytest.mark.parametrize("tag", ["245", "008"])
def test_required_fields(tag):
    problems = _problems(replace_line(KEY_MRK, f"={tag}", None))
    assert [p.message for p in problems if p.tag == tag] == \
        [f"Thiếu trường bắt buộc {tag} ({marc21.field_name(tag)})."]


def test_missing_leader():
    problems = _problems("\n".join(KEY_MRK.splitlines()[1:]))
    assert any(p.tag == "LDR" and "Thiếu đầu biểu" in p.message for p in problems)


def test_warning_for_obsolete_440_in_a_real_loc_record():
    chinese = read_records(load(LOC_SAMPLE))[1]
    problems = lint(chinese)
    assert [(p.tag, p.severity) for p in problems] == [("440", "warning")]


def test_control_and_data_fields_are_not_mixed_up():
    xml = ('<record><leader>00000nam a2200000 a 4500</leader>'
           '<controlfield tag="245">Nhan đề</controlfield>'
           '<datafield tag="008" ind1=" " ind2=" "><subfield code="a">x</subfield></datafield></record>')
    messages = {p.tag: p.message for p in lint(read_record(xml))}
    assert "là trường dữ liệu" in messages["245"]
    assert "là trường kiểm soát" in messages["008"]


def test_880_needs_linkage_first():
    problems = _problems(KEY_MRK + "=880  00$aNo linkage\n")
    assert any(p.tag == "880" and "$6" in p.message for p in problems)
    assert not [p for p in _problems(KEY_MRK + "=880  00$6245-01$aCó liên kết\n") if p.tag == "880"]


def test_tables_cover_the_common_fields():
    wanted = "020 022 040 041 082 084 100 110 240 245 246 250 260 264 300 336 337 338 490 500 504 505 " \
             "520 600 650 651 700 710 830 856".split()
    assert set(wanted) <= set(marc21.FIELDS)
    assert {"001", "003", "005", "008"} <= set(marc21.CONTROL_FIELDS)
    for d in marc21.FIELDS.values():
        assert d.page == f"https://www.loc.gov/marc/bibliographic/bd{d.tag}.html"


@pytest.mark.parametrize("value,ok", [
    ("094688840X", True), ("0-946888-40-X", True), ("9786040000019", True), ("978-604-0-00001-9", True),
    ("094688840X (bìa mềm)", True), ("0946888401", False), ("9786040000018", False), ("12345", None),
    ("(bìa cứng)", None), ("97860400000", False),
])
def test_isbn_check_digit(value, ok):
    from elearn.cataloguing.lint import isbn_ok

    assert isbn_ok(value) is ok


def test_bad_isbn_is_a_warning():
    problems = _problems(replace_line(KEY_MRK, "=041", "=020  \\\\$a0946888401"))
    assert [(p.tag, p.severity, p.code) for p in problems] == [("020", "warning", "a")]
    assert "sai số kiểm tra" in problems[0].message
    assert _problems(replace_line(KEY_MRK, "=041", "=020  \\\\$a094688840X")) == []
