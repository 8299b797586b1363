"""The checker as one call: a key (record file or exercise YAML) and a submission, both as bytes."""
from __future__ import annotations

from .compare import Key, Result, compare
from .exercise import load_exercise, looks_like_exercise
from .records import read_record


def key_from_file(path: str) -> Key:
    """A key from a .mrk/MARCXML/ISO 2709 file, or from an exercise YAML (with its variants)."""
    with open(path, "rb") as fh:
        data = fh.read()
    if looks_like_exercise(data):
        return load_exercise(path).key
    return Key(record=read_record(data))


def check(key: Key, submission: bytes | str) -> Result:
    """Score ``submission`` against ``key``. Raises records.MarcFormatError for malformed input."""
    return compare(key, read_record(submission))
