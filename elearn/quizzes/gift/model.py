"""GIFT questions as data: the dataclasses both readers (GIFT, Moodle XML) produce and the writer
takes, and the number and format helpers they share. Pure Python, no Flask."""
from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

FORMATS = ("moodle", "html", "plain", "markdown")
BLANK = "_____"

#: A ``[format]`` prefix at the start of a text.
FORMAT_RE = re.compile(r"\[({})\]".format("|".join(FORMATS)))
#: A number as GIFT writes it (no decimal comma, no thousands separators).
NUMBER_RE = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")


@dataclass
class Answer:
    text: str
    weight: float = 0.0  # percent, -100..100
    feedback: str = ""
    match: str | None = None  # matching: the right-hand side
    value: float | None = None  # numerical: value ± tolerance ...
    tolerance: float | None = None
    min: float | None = None  # ... or a min..max range
    max: float | None = None
    text_format: str | None = None  # "[html]answer": None means the question's format


@dataclass
class Question:
    qtype: str  # multichoice truefalse shortanswer numerical matching essay description
    text: str
    title: str | None = None
    text_format: str = "moodle"
    category: list[str] | None = None
    answers: list[Answer] = field(default_factory=list)
    general_feedback: str = ""
    line: int = 0
    missing_word: bool = False
    multiple: bool = False
    shuffle: bool = True  # multichoice: False keeps the file's order ("all of the above"); Moodle XML only

    def key(self) -> str:
        """Stable id from (category, title or text), for de-duplicating on re-import."""
        name = unicodedata.normalize("NFC", self.title or self.text)
        name = " ".join(name.casefold().split())
        cat = "/".join(self.category or [])
        return hashlib.sha1(f"{cat}\n{name}".encode()).hexdigest()

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass
class GiftError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"dòng {self.line}: {self.message}"


@dataclass
class GiftResult:
    questions: list[Question] = field(default_factory=list)
    errors: list[GiftError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def format_number(x: float) -> str:
    """A number as GIFT writes it: "3", "3.14" (no trailing ".0")."""
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))


def numeric_text(a: Answer) -> str:
    """The canonical text of a numerical answer: "3.14:0.01", "3.14" or "1..5"."""
    if a.min is not None:
        return f"{format_number(a.min)}..{format_number(a.max)}"
    return f"{format_number(a.value)}:{format_number(a.tolerance)}" if a.tolerance else format_number(a.value)
