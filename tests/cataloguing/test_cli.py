"""flask cataloguing check KEY SUBMISSION [--json]."""
import json

import pytest

from elearn.cataloguing.records import read_records, write_marcxml, write_mrk
from tests.cataloguing.helpers import EXERCISES, KEY_MRK, LOC_SAMPLE, load, replace_line


@pytest.fixture
def files(tmp_path):
    def write(name, text):
        p = tmp_path / name
        p.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
        return str(p)
    return write


def _json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_record_against_itself_in_either_format_scores_one(runner, files):
    for rec in read_records(load(LOC_SAMPLE)):
        mrk = files("a.mrk", write_mrk(rec))
        xml = files("a.txt", write_marcxml(rec))  # the name does not matter: content decides
        for key, sub in ((mrk, mrk), (xml, xml), (mrk, xml), (xml, mrk)):
            out = _json(runner.invoke(args=["cataloguing", "check", key, sub, "--json"]))
            assert out["score"] == 1.0
            # only the structural check may speak (the Chinese record has an obsolete 440)
            assert [d for d in out["differences"] if d["kind"] != "lint" or d["severity"] == "error"] == []


def test_json_output_shape_for_a_partial_answer(runner, files):
    key = files("key.mrk", KEY_MRK)
    sub = files("sub.xml", write_marcxml(read_records(replace_line(KEY_MRK, "=300", "=300  \\\\$a356 tr. ;$c21 cm."))[0]))
    out = _json(runner.invoke(args=["cataloguing", "check", key, sub, "--json"]))
    assert 0 < out["score"] < 1
    [d] = out["differences"]
    assert {"tag", "ind", "code", "expected", "got", "message"} <= set(d)
    assert (d["tag"], d["code"], d["expected"], d["got"]) == ("300", "c", "19 cm.", "21 cm.")


def test_text_output_in_vietnamese(runner, files):
    key = files("key.mrk", KEY_MRK)
    sub = files("sub.mrk", replace_line(KEY_MRK, "=245", None))
    result = runner.invoke(args=["cataloguing", "check", key, sub])
    assert result.exit_code == 0
    assert result.output.startswith("Điểm: ")
    assert "Thiếu trường 245 (Nhan đề chính, trường bắt buộc)" in result.output
    same = runner.invoke(args=["cataloguing", "check", key, key])
    assert "Điểm: 1 (100.0%)" in same.output and "khớp hoàn toàn" in same.output


def test_exercise_yaml_as_key_brings_its_variants(runner, files):
    exercise = f"{EXERCISES}/01-sach-mot-tac-gia.yaml"
    key_mrk = load(f"{EXERCISES}/01-sach-mot-tac-gia.mrk", "r")
    sub = files("sub.mrk", replace_line(key_mrk, "=100", "=100  1\\$aNguyễn, Kim Dần."))
    assert _json(runner.invoke(args=["cataloguing", "check", exercise, sub, "--json"]))["score"] == 1.0
    bare = _json(runner.invoke(args=["cataloguing", "check", f"{EXERCISES}/01-sach-mot-tac-gia.mrk", sub, "--json"]))
    assert bare["score"] < 1
    assert {d["lesson"] for d in _json(runner.invoke(
        args=["cataloguing", "check", exercise, files("x.mrk", replace_line(key_mrk, "=300", None)), "--json"]
    ))["differences"]} == {"05-xuat-ban-mo-ta-vat-ly-tung-thu-phu-chu"}


@pytest.mark.parametrize("text,words", [
    ("=LDR  00000nam\\a2200000\\a\\4500\n245  10$aX\n", "Dòng 2: mỗi dòng của tệp .mrk phải bắt đầu bằng '='"),
    ("<record><datafield tag='245'>", "MARCXML không hợp lệ"),
    ("", "tệp rỗng"),
    ("xin chào", "không nhận ra khổ mẫu"),
])
def test_malformed_submission_gives_a_clear_error_not_a_traceback(runner, files, text, words):
    key = files("key.mrk", KEY_MRK)
    sub = files("bad.mrk", text)
    result = runner.invoke(args=["cataloguing", "check", key, sub])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and not isinstance(result.exception, (ValueError, KeyError, TypeError))
    assert f"Lỗi ở bài nộp {sub}: " in result.output and words in result.output
    as_json = runner.invoke(args=["cataloguing", "check", key, sub, "--json"])
    assert as_json.exit_code == 1
    err = json.loads(as_json.output)["error"]
    assert err["file"] == "submission" and words in err["message"]


def test_malformed_key_and_missing_files(runner, files):
    good = files("good.mrk", KEY_MRK)
    bad_key = files("key.mrk", "=245  10$aX\n=245 10$aY\n")
    result = runner.invoke(args=["cataloguing", "check", bad_key, good])
    assert result.exit_code == 1 and "Lỗi ở khóa" in result.output and "Dòng 2" in result.output
    result = runner.invoke(args=["cataloguing", "check", good, good + ".missing"])
    assert result.exit_code == 1 and "không đọc được tệp" in result.output
    bad_exercise = files("bai.yaml", "title: x\nitem: y\nkey: ../../etc/passwd\n")
    result = runner.invoke(args=["cataloguing", "check", bad_exercise, good])
    assert result.exit_code == 1 and "'key' phải là một tệp trong thư mục của bài tập" in result.output


def test_lint_command(runner, files):
    good = runner.invoke(args=["cataloguing", "lint", files("k.mrk", KEY_MRK)])
    assert good.exit_code == 0 and "Không có lỗi cấu trúc (1 biểu ghi)" in good.output
    bad = runner.invoke(args=["cataloguing", "lint", files("b.mrk", KEY_MRK.replace("=100  0\\", "=100  9\\"))])
    assert bad.exit_code == 1
    assert "dòng 4, 100: [lỗi] Trường 100: chỉ thị 1 có giá trị '9' không hợp lệ" in bad.output
    warn = runner.invoke(args=["cataloguing", "lint", LOC_SAMPLE])  # ISO 2709, 6 records, one obsolete 440
    assert warn.exit_code == 0 and "biểu ghi 2, 440: [cảnh báo]" in warn.output


def test_convert_command_round_trips(runner, files):
    xml = runner.invoke(args=["cataloguing", "convert", LOC_SAMPLE, "--to", "marcxml"])
    assert xml.exit_code == 0 and xml.output.count("<record>") == 6
    back = runner.invoke(args=["cataloguing", "convert", files("all.xml", xml.output), "--to", "mrk"])
    assert back.exit_code == 0
    assert read_records(back.output) == read_records(load(LOC_SAMPLE))
    one = runner.invoke(args=["cataloguing", "convert", files("k.mrk", KEY_MRK), "--to", "marcxml"])
    assert read_records(one.output) == read_records(KEY_MRK)
    bad = runner.invoke(args=["cataloguing", "convert", files("x.mrk", "=245 10$a"), "--to", "mrk"])
    assert bad.exit_code == 1 and "Dòng 1" in bad.output


def test_too_many_fields_is_refused(runner, files):
    huge = KEY_MRK + "=500  \\\\$aX\n" * 1000
    result = runner.invoke(args=["cataloguing", "check", files("k.mrk", KEY_MRK), files("h.mrk", huge)])
    assert result.exit_code == 1 and "quá giới hạn 1000 trường" in result.output
