"""The shipped exercises: every key lints clean, scores 1.0 against itself, and its variants work."""
import copy
import glob
import os
import re

import pytest

from elearn.cataloguing.compare import compare
from elearn.cataloguing.exercise import load_exercise
from elearn.cataloguing.lint import lint
from elearn.cataloguing.records import read_record, write_marcxml, write_mrk
from tests.cataloguing.helpers import EXERCISES

PATHS = sorted(glob.glob(os.path.join(EXERCISES, "*.yaml")))
COURSE = os.path.dirname(EXERCISES)


def test_at_least_six_exercises_each_with_its_key():
    assert len(PATHS) >= 6
    for p in PATHS:
        assert os.path.exists(p[:-5] + ".mrk")


@pytest.mark.parametrize("path", PATHS, ids=os.path.basename)
def test_key_lints_clean_and_scores_one_against_itself(path):
    ex = load_exercise(path)
    assert lint(ex.key.record) == []
    assert compare(ex.key, ex.key.record).score == 1.0
    for text in (write_mrk(ex.key.record), write_marcxml(ex.key.record)):
        result = compare(ex.key, read_record(text))
        assert result.score == 1.0 and result.differences == []


@pytest.mark.parametrize("path", PATHS, ids=os.path.basename)
def test_every_accepted_variant_scores_one(path):
    ex = load_exercise(path)
    for v in ex.key.variants:
        positions = [i for i, f in enumerate(ex.key.record.fields) if f.tag == v.tag]
        index = positions[v.occurrence - 1]
        for alt in v.accept:
            record = copy.deepcopy(ex.key.record)
            record.fields[index] = alt
            assert compare(ex.key, record).score == 1.0, (v.tag, alt)
            assert [p for p in lint(record) if p.severity == "error"] == []
        if v.optional:
            record = copy.deepcopy(ex.key.record)
            del record.fields[index]
            assert compare(ex.key, record).score == 1.0


@pytest.mark.parametrize("path", PATHS, ids=os.path.basename)
def test_exercise_text_and_lesson_links(path):
    ex = load_exercise(path)
    assert "Trang tên sách" in ex.item and re.search(r"\d+ cm", ex.item)
    lessons = {os.path.basename(p)[:-3] for p in glob.glob(os.path.join(COURSE, "*", "*.md"))}
    assert ex.key.lessons and set(ex.key.lessons.values()) <= lessons
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    assert "bản ghi" not in text.lower() and "định dạng" not in text.lower()  # "biểu ghi", "khổ mẫu"
    # the course's tone-mark convention (courses/FORMAT.md): hóa, khóa, thủy, not hoá, khoá, thuỷ
    for name in (path, ex.key_path):
        with open(name, encoding="utf-8") as fh:
            assert not re.search(r"(?<![qQ])(oá|oà|oả|oã|oạ|oé|oè|oẻ|oẽ|oẹ|uý|uỳ|uỷ|uỹ|uỵ)(?!\w)", fh.read(), re.I)
    assert "Thư viện Quốc hội Mỹ" in text  # where the data comes from


def test_the_required_kinds_of_item_are_covered():
    keys = {os.path.basename(p): load_exercise(p).key.record for p in PATHS}

    def has(rec, tag, ind1=None):
        return any(f.tag == tag and (ind1 is None or f.ind1 == ind1) for f in rec.fields)

    one_author = [n for n, r in keys.items() if has(r, "100") and not has(r, "700")]
    editors = [n for n, r in keys.items() if not has(r, "100") and len(r.get("700")) >= 2]
    translation = [n for n, r in keys.items() if has(r, "041", "1") and r.get("041")[0].values("h")
                   and (has(r, "240") or has(r, "246"))]
    series = [n for n, r in keys.items() if has(r, "490", "1") and has(r, "830")]
    edition = [n for n, r in keys.items() if has(r, "250") and has(r, "082")]
    local_or_gov = [n for n, r in keys.items() if has(r, "651") or r.get("008")[0].data[28] in "fslacmoz"]
    several_authors = [n for n, r in keys.items() if has(r, "100") and len(r.get("700")) >= 2]
    with_isbn = [n for n, r in keys.items() if has(r, "020")]
    assert one_author and editors and translation and series and edition and local_or_gov
    assert several_authors and with_isbn
    cip = [n for n in edition if "CIP" in load_exercise(os.path.join(EXERCISES, n)).item]
    assert cip
