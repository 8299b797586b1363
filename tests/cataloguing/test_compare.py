"""Comparison with an answer key: partial credit, normalisation and variants."""
import pytest

from elearn.cataloguing.compare import Key, Variant, compare, normalise
from elearn.cataloguing.exercise import build_key
from elearn.cataloguing.records import read_record
from tests.cataloguing.helpers import KEY_MRK, replace_line


def _key(**kw):
    return Key(record=read_record(KEY_MRK), **kw)


def _check(submission_mrk, **kw):
    return compare(_key(**kw), read_record(submission_mrk))


def _variants(yaml_variants, **doc):
    return build_key("test.yaml", read_record(KEY_MRK), {"variants": yaml_variants, **doc})


def test_identical_scores_exactly_one_with_no_differences():
    result = _check(KEY_MRK)
    assert result.score == 1.0 and result.differences == []


def test_changing_a_subfield_gives_partial_credit_and_names_the_field():
    changed = replace_line(KEY_MRK, "=300", "=300  \\\\$a356 tr. ;$c21 cm.")
    result = _check(changed)
    assert 0.9 < result.score < 1.0
    [d] = result.differences
    assert (d["tag"], d["ind"], d["code"], d["expected"], d["got"]) == ("300", None, "c", "19 cm.", "21 cm.")
    assert d["message"] == "Trường 300, trường con $c (khổ sách): cần '19 cm.' nhưng biểu ghi ghi '21 cm.'."
    # more mistakes, lower score
    worse = replace_line(changed, "=245", "=245  10$aVùng quê :$btruyện /$cNguyễn Kim Dần.")
    assert _check(worse).score < result.score


def test_changing_an_indicator_names_it_and_says_what_it_means():
    result = _check(replace_line(KEY_MRK, "=245", "=245  00$aVùng quê địch hậu :$btiểu thuyết /$cNguyễn Kim Dần."))
    [d] = result.differences
    assert (d["tag"], d["ind"], d["expected"], d["got"]) == ("245", 1, "1", "0")
    assert "cần '1' (tạo tiêu đề bổ sung cho nhan đề" in d["message"]
    assert 0 < result.score < 1


def test_removing_a_required_field_names_it():
    result = _check(replace_line(KEY_MRK, "=245", None))
    assert result.score < 1
    missing = [d for d in result.differences if d["tag"] == "245"]
    assert len(missing) == 1  # the structural check does not repeat it
    assert missing[0]["message"].startswith("Thiếu trường 245 (Nhan đề chính, trường bắt buộc): cần «=245  10$a")
    assert missing[0]["expected"].startswith("=245  10$aVùng quê địch hậu")


def test_removing_008_names_it():
    result = _check(replace_line(KEY_MRK, "=008", None))
    [d] = [d for d in result.differences if d["tag"] == "008"]
    assert d["message"].startswith("Thiếu trường 008") and "bắt buộc" in d["message"]
    assert result.score < 1


def test_leader_and_008_positions_are_compared_one_by_one():
    sub = replace_line(KEY_MRK, "=LDR", "=LDR  00000nam\\a2200000\\i\\4500")
    sub = replace_line(sub, "=008", "=008  990101s1999\\\\\\\\vm\\\\\\\\\\\\\\\\\\\\\\\\000\\0\\vie\\d")
    result = _check(sub)
    assert [(d["tag"], d["code"], d["expected"], d["got"]) for d in result.differences] == \
        [("LDR", "18", "a", "i"), ("008", "33", "1", "0")]  # 008/00-05 (date entered) is ignored
    assert "Đầu biểu vị trí 18 (Hình thức mô tả)" in result.differences[0]["message"]


def test_extra_fields_and_subfields_lower_the_score_unless_allowed():
    extra_field = KEY_MRK + "=500  \\\\$aTiểu thuyết.\n"
    result = _check(extra_field)
    assert result.score < 1
    assert result.differences[0]["got"] == "=500  \\\\$aTiểu thuyết." and "thừa" in result.differences[0]["message"]
    assert _check(extra_field, extra_ok=("500",)).score == 1.0
    extra_sub = replace_line(KEY_MRK, "=300", "=300  \\\\$a356 tr. ;$c19 cm.$c20 cm.")
    result = _check(extra_sub)
    assert result.score < 1
    assert [(d["tag"], d["code"], d["got"]) for d in result.differences] == [("300", "c", "20 cm.")]


def test_ignored_control_fields_do_not_count():
    sub = KEY_MRK.replace("=008", "=001  VN-123\n=005  20261130101010.0\n=008")
    assert _check(sub).score == 1.0


def test_repeated_fields_match_in_any_order():
    lines = KEY_MRK.splitlines()
    swapped = "\n".join(lines[:-2] + [lines[-1], lines[-2]]) + "\n"
    assert swapped != KEY_MRK
    assert _check(swapped).score == 1.0
    one_wrong = replace_line(swapped, "=700  0\\$aTrần", "=700  0\\$aTrần Văn Á")
    result = _check(one_wrong)
    [d] = result.differences
    assert (d["tag"], d["expected"], d["got"]) == ("700", "Trần Văn A", "Trần Văn Á")


def test_whitespace_is_normalised_and_isbd_punctuation_only_when_lenient():
    spaced = replace_line(KEY_MRK, "=300", "=300  \\\\$a356  tr. ;$c 19 cm.")
    assert _check(spaced).score == 1.0
    no_punct = replace_line(KEY_MRK, "=245", "=245  10$aVùng quê địch hậu$btiểu thuyết$cNguyễn Kim Dần")
    strict = _check(no_punct)
    assert strict.score < 1 and {d["code"] for d in strict.differences} == {"a", "b", "c"}
    assert _check(no_punct, lenient=True).score == 1.0


def test_nfd_submission_against_nfc_key():
    import unicodedata

    assert _check(unicodedata.normalize("NFD", KEY_MRK)).score == 1.0


def test_variant_indicator_values_vietnamese_name_ind1_0_or_1():
    sub = replace_line(KEY_MRK, "=100", "=100  1\\$aNguyễn Kim Dần")
    assert _check(sub).score < 1
    key = _variants([{"field": "100", "ind1": "01"}])
    assert compare(key, read_record(sub)).score == 1.0
    assert compare(key, read_record(KEY_MRK)).score == 1.0
    wrong = replace_line(KEY_MRK, "=100", "=100  3\\$aNguyễn Kim Dần")
    result = compare(key, read_record(wrong))
    [d] = result.differences
    assert "cần '0' (tên viết thuận (tên riêng)) hoặc '1' (họ đứng trước, có dấu phẩy)" in d["message"]


def test_variant_alternative_field_260_or_264():
    sub = replace_line(KEY_MRK, "=260", "=264  \\1$aHà Nội :$bNxb. Quân đội nhân dân,$c1999.")
    plain = _check(sub)
    assert plain.score < 1 and {d["tag"] for d in plain.differences} == {"260", "264"}
    key = _variants([{"field": "260", "accept": ["=264  \\1$aHà Nội :$bNxb. Quân đội nhân dân,$c1999."]}])
    assert compare(key, read_record(sub)).score == 1.0
    assert compare(key, read_record(KEY_MRK)).score == 1.0
    # the alternative is checked like the key: a wrong 264 indicator costs a point and is named
    wrong = replace_line(KEY_MRK, "=260", "=264  \\4$aHà Nội :$bNxb. Quân đội nhân dân,$c1999.")
    result = compare(key, read_record(wrong))
    assert 0 < result.score < 1
    assert [(d["tag"], d["ind"]) for d in result.differences] == [("264", 2)]


def test_variant_several_possible_650s_and_optional_fields():
    key = _variants([
        {"field": "650", "accept": ["=650  \\0$aIndochinese War, 1946-1954$vFiction."]},
        {"field": "041", "optional": True},
    ])
    lcsh = replace_line(KEY_MRK, "=650", "=650  \\0$aIndochinese War, 1946-1954$vFiction.")
    assert compare(key, read_record(lcsh)).score == 1.0
    assert _check(lcsh).score < 1
    no041 = replace_line(KEY_MRK, "=041", None)
    assert compare(key, read_record(no041)).score == 1.0
    assert _check(no041).score < 1
    neither = replace_line(KEY_MRK, "=650", "=650  \\4$aVăn học")
    result = compare(key, read_record(neither))
    assert result.score < 1 and any(d["tag"] == "650" for d in result.differences)


def test_variant_subfield_values():
    sub = replace_line(KEY_MRK, "=260", "=260  \\\\$aHà Nội :$bNhà xuất bản Quân đội nhân dân,$c1999.")
    assert _check(sub).score < 1
    key = _variants([{"field": "260", "values": {"b": ["Nhà xuất bản Quân đội nhân dân,"]}}])
    assert compare(key, read_record(sub)).score == 1.0


def test_explanations_and_lesson_links_in_messages():
    key = _variants([{"field": "300", "why": "Khổ sách đo chiều cao gáy sách."}],
                    lessons={"default": "07-x", "3XX": "05-xuat-ban"}, explain={"245": "Có 100 nên là 1."})
    sub = replace_line(KEY_MRK, "=300", "=300  \\\\$a356 tr. ;$c21 cm.")
    sub = replace_line(sub, "=245", "=245  00$aVùng quê địch hậu :$btiểu thuyết /$cNguyễn Kim Dần.")
    by_tag = {d["tag"]: d for d in compare(key, read_record(sub)).differences}
    assert by_tag["300"]["message"].endswith("Khổ sách đo chiều cao gáy sách.")
    assert by_tag["300"]["lesson"] == "05-xuat-ban"
    assert by_tag["245"]["message"].endswith("Có 100 nên là 1.")
    assert by_tag["245"]["lesson"] == "07-x"


def test_structural_problems_come_first_in_the_differences():
    sub = replace_line(KEY_MRK, "=100", "=100  09$aNguyễn Kim Dần")
    result = _check(sub)
    assert result.differences[0]["kind"] == "lint"
    assert "chỉ thị 2 không được định nghĩa" in result.differences[0]["message"]
    # an undefined indicator earns no point in the comparison, so only the lint reports it
    assert [d["kind"] for d in result.differences] == ["lint"]


@pytest.mark.parametrize("doc,words", [
    ({"variants": [{"field": "999"}]}, "khóa không có trường 999 thứ 1"),
    ({"variants": [{"field": "700", "occurrence": 3}]}, "khóa không có trường 700 thứ 3"),
    ({"variants": [{"field": "100", "ind1": "0!"}]}, "không hợp lệ"),
    ({"variants": [{"field": "100", "accept": ["100  0\\$aX"]}]}, "dòng chấp nhận"),
    ({"variants": [{"field": "100", "colour": "red"}]}, "không biết colour"),
    ({"lenient": "yes"}, "'lenient' phải là true hoặc false"),
    ({"ignore": ["40"]}, "mục 'ignore'"),
    ({"lessons": {"24X": "x"}}, "'lessons'"),
])
def test_bad_variants_are_reported_in_vietnamese(doc, words):
    from elearn.cataloguing.exercise import ExerciseError

    with pytest.raises(ExerciseError) as e:
        build_key("bai.yaml", read_record(KEY_MRK), doc)
    assert words in str(e.value) and str(e.value).startswith("bai.yaml: ")


def test_variant_dataclass_defaults():
    v = Variant("100")
    assert (v.occurrence, v.indicators, v.accept, v.values, v.optional) == (1, {}, [], {}, False)


def test_a_tiny_difference_never_rounds_up_to_one():
    from elearn.cataloguing.records import Field, Subfield

    def many():
        return [Field("505", "0", " ", [Subfield("g", f"{i}.{j}") for j in range(30)]) for i in range(900)]

    key = _key()
    key.record.fields += many()
    sub = read_record(KEY_MRK)
    sub.fields += many()
    sub.fields[-1].subfields[0].value = "khác"
    result = compare(key, sub)
    assert result.total > 20000 and result.earned == result.total - 1
    assert round(result.earned / result.total, 4) == 1.0  # what plain rounding would give
    assert result.score == 0.9999


def test_past_the_pair_budget_leftover_fields_pair_up_in_order(monkeypatch):
    from elearn.cataloguing import compare as compare_module

    sub = replace_line(KEY_MRK, "=700  0\\$aTrần", "=700  0\\$aTrần Văn Á")
    sub = replace_line(sub, "=700  0\\$aLê", "=700  0\\$aLê Thị C")
    full = _check(sub)
    monkeypatch.setattr(compare_module, "MAX_PAIRS", 1)
    capped = _check(sub)
    assert capped.score == full.score < 1
    assert [(d["expected"], d["got"]) for d in capped.differences] == \
        [("Trần Văn A", "Trần Văn Á"), ("Lê Thị B", "Lê Thị C")]


@pytest.mark.parametrize("budget", [50_000, 0])
def test_a_control_field_where_a_data_field_is_expected(monkeypatch, budget):
    from elearn.cataloguing import compare as compare_module
    from elearn.cataloguing.records import write_marcxml

    monkeypatch.setattr(compare_module, "MAX_PAIRS", budget)
    xml = write_marcxml(read_record(KEY_MRK)).replace(
        '<datafield tag="245" ind1="1" ind2="0">', '<controlfield tag="245">').replace(
        '<subfield code="a">Vùng quê địch hậu :</subfield>', "Vùng quê địch hậu").replace(
        '<subfield code="b">tiểu thuyết /</subfield>', "").replace(
        '<subfield code="c">Nguyễn Kim Dần.</subfield>\n  </datafield>', "</controlfield>")
    assert '<controlfield tag="245">' in xml and "</controlfield>" in xml
    result = _check(xml)
    assert result.score < 1
    messages = [d["message"] for d in result.differences if d["tag"] == "245"]
    assert any("là trường dữ liệu" in m for m in messages)  # lint
    assert any(m.startswith("Thiếu trường 245") for m in messages)


def test_both_tone_mark_conventions_are_the_same_word():
    sub = replace_line(KEY_MRK, "=650", "=650  \\4$aChiến tranh Đông Dương, 1946-1954$vTiểu thuyết$xHoà bình")
    key_line = "=650  \\4$aChiến tranh Đông Dương, 1946-1954$vTiểu thuyết$xHòa bình"
    assert compare(Key(record=read_record(replace_line(KEY_MRK, "=650", key_line))), read_record(sub)).score == 1.0
    for old, new in (("Văn hoá", "Văn hóa"), ("THUỶ LỢI", "THỦY LỢI"), ("Uỷ ban", "Ủy ban"), ("khoẻ", "khỏe")):
        assert normalise(old, False) == normalise(new, False) == new
    for same in ("quý", "Quý", "hoàng", "toán", "loạt"):
        assert normalise(same, False) == same
