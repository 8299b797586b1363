"""Mutated records (seeded, deterministic): reading either fails with MarcFormatError or gives a
biểu ghi that the checker handles and that round-trips through .mrk and MARCXML unchanged."""
import random

import pytest

from elearn.cataloguing.compare import Key, compare
from elearn.cataloguing.lint import lint
from elearn.cataloguing.records import MarcFormatError, read_record, read_records, write_marcxml, write_mrk
from tests.cataloguing.helpers import KEY_MRK, LOC_SAMPLE, load

PIECES = list("=$\\{}<>/\"'&;# \n\r\t0123456789abcxyzĐđệ̂\x00\x1e\x1f") + [
    "{dollar}", "{bsol}", "{lcub}", '<subfield code="a">', "</datafield>", "=245  ", "$a", "<!DOCTYPE",
    "&amp;", "&#0;", "&#10;", "&#13;", "]]>", '<controlfield tag="008">', "<record>", "</record>",
    'encoding="latin-1"', "\u2028", "\x85", "٢"]


def _mutate(rng, text):
    chars = list(text)
    for _ in range(rng.randint(1, 8)):
        op, pos = rng.random(), rng.randrange(len(chars) + 1)
        if op < 0.4:
            chars.insert(pos, rng.choice(PIECES))
        elif op < 0.8 and chars:
            del chars[min(pos, len(chars) - 1)]
        else:
            chars[pos:pos] = rng.choice(PIECES)
    return "".join(chars)


@pytest.mark.parametrize("seed", [1, 2])
def test_mutated_input_fails_cleanly_or_round_trips(seed):
    rng = random.Random(seed)
    key = Key(record=read_record(KEY_MRK), lenient=True)
    loc = read_records(load(LOC_SAMPLE))[:3]
    bases = [KEY_MRK, write_marcxml(read_record(KEY_MRK))] + [write_mrk(r) for r in loc] + \
        [write_marcxml(r) for r in loc]
    read = 0
    for _ in range(700):
        text = _mutate(rng, rng.choice(bases))
        try:
            rec = read_record(text if rng.random() < 0.5 else text.encode("utf-8"))
        except MarcFormatError as e:
            assert e.message
            continue
        read += 1
        lint(rec)
        assert 0 <= compare(key, rec).score <= 1
        assert read_record(write_marcxml(rec)) == rec
        assert read_record(write_mrk(rec)) == rec
    assert read > 100  # most mutations still give a readable biểu ghi
