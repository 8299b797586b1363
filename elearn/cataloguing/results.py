"""A submitted attempt field by field: the trainee's lines, the key's lines (when they may be shown)
and the differences the checker found for that tag."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from . import marc21
from .exercise import ExerciseError, build_key
from .records import MarcFormatError, read_record
from .wording import field_to_mrk


@dataclass
class FieldResult:
    tag: str
    name: str
    got: list = field(default_factory=list)  # .mrk lines of the submission
    key: list = field(default_factory=list)  # .mrk lines of the key (empty when hidden)
    differences: list = field(default_factory=list)
    ignored: bool = False  # a tag the exercise does not mark (001, 003, 005, 040 …)

    @property
    def status(self) -> str:
        if self.ignored and not self.differences:
            return "ignored"
        if any(d.get("severity", "error") == "error" for d in self.differences):
            return "missing" if not self.got else "wrong"
        return "warning" if self.differences else "ok"


def _lines(record) -> dict:
    out = defaultdict(list)
    if record is None:
        return out
    if record.leader is not None:
        out["LDR"].append("=LDR  " + record.leader.replace(" ", "\\"))
    for f in record.fields:
        out[f.tag].append(field_to_mrk(f))
    return out


def _read(text):
    try:
        return read_record(text or "")
    except MarcFormatError:
        return None


def _order(tag: str):
    return (0, "") if tag == "LDR" else (1, tag)


def field_results(attempt, ex, show_key: bool) -> list[FieldResult]:
    got = _lines(_read(attempt.record))
    key_record = _read(ex.key_record)
    key = _lines(key_record) if show_key else {}
    ignored = set()
    if key_record is not None:
        try:
            ignored = build_key("", key_record, ex.options or {}).ignored_tags()
        except ExerciseError:
            pass
    by_tag = defaultdict(list)
    for d in attempt.differences or []:
        by_tag[d.get("tag") or ""].append(d)
    tags = sorted(set(got) | set(key) | set(by_tag), key=_order)
    return [FieldResult(tag, marc21.field_name(tag), got.get(tag, []), key.get(tag, []), by_tag.get(tag, []),
                        tag in ignored) for tag in tags]
