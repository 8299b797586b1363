"""The answer key as the checker uses it (built from an exercise file by ``exercise.build_key``),
and the result of a comparison."""
from __future__ import annotations

from dataclasses import dataclass, field

from .records import Record

DEFAULT_IGNORE = ("001", "003", "005", "008/00-05")


@dataclass
class Variant:
    """What the key accepts for one of its fields besides the field itself."""
    tag: str
    occurrence: int = 1
    indicators: dict = field(default_factory=dict)  # {1: "01"}: accepted values
    accept: list = field(default_factory=list)  # other whole fields (Field), any tag
    values: dict = field(default_factory=dict)  # {"b": ["Nxb. Trẻ", ...]}: other accepted subfield values
    optional: bool = False
    why: str | None = None


@dataclass
class Key:
    record: Record
    lenient: bool = False
    variants: list = field(default_factory=list)
    ignore: tuple = DEFAULT_IGNORE
    extra_ok: tuple = ()
    lessons: dict = field(default_factory=dict)  # tag (or "1XX" or "default") -> lesson slug
    explain: dict = field(default_factory=dict)  # tag -> why (Vietnamese)

    def lesson_for(self, tag: str | None) -> str | None:
        if tag and tag in self.lessons:
            return self.lessons[tag]
        if tag and len(tag) == 3 and f"{tag[0]}XX" in self.lessons:
            return self.lessons[f"{tag[0]}XX"]
        return self.lessons.get("default")

    def ignored_tags(self) -> set:
        return {i for i in self.ignore if "/" not in i}

    def ignored_positions(self, tag: str) -> set:
        out = set()
        for item in self.ignore:
            if item.startswith(tag + "/"):
                span = item.split("/", 1)[1]
                a, _, b = span.partition("-")
                out.update(range(int(a), int(b or a) + 1))
        return out


@dataclass
class Result:
    score: float
    differences: list
    earned: float = 0.0
    total: float = 0.0

    def as_dict(self) -> dict:
        return {"score": self.score, "differences": self.differences}
