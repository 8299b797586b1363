"""Normalisation of values before they are compared (see ``compare``'s docstring)."""
from __future__ import annotations

import re

from .records import nfc

_WS = re.compile(r"\s+")
_FINAL_PUNCT = re.compile(r"[\s.,:;/=]+$")

# Vietnamese has two conventions for the tone mark of an open oa/oe/uy syllable: on the second vowel
# ("hoá", "thuỷ") or on the first ("hóa", "thủy"; the course's convention, courses/FORMAT.md). Both
# spell the same word, so values are compared in the second form. "quý" is the same in both.
_OLD_TONE = re.compile("(?<![qQ])([oOuU])([áàảãạéèẻẽẹýỳỷỹỵÁÀẢÃẠÉÈẺẼẸÝỲỶỸỴ])(?!\\w)")
_BASE = {"á": "a", "à": "a", "ả": "a", "ã": "a", "ạ": "a", "é": "e", "è": "e", "ẻ": "e", "ẽ": "e", "ẹ": "e",
         "ý": "y", "ỳ": "y", "ỷ": "y", "ỹ": "y", "ỵ": "y"}
_MARK = {"á": "\u0301", "à": "\u0300", "ả": "\u0309", "ã": "\u0303", "ạ": "\u0323",
         "é": "\u0301", "è": "\u0300", "ẻ": "\u0309", "ẽ": "\u0303", "ẹ": "\u0323",
         "ý": "\u0301", "ỳ": "\u0300", "ỷ": "\u0309", "ỹ": "\u0303", "ỵ": "\u0323"}


def _tone_first_vowel(m: re.Match) -> str:
    first, second = m.group(1), m.group(2)
    low = second.lower()
    base = _BASE[low].upper() if second.isupper() else _BASE[low]
    return nfc(first + _MARK[low]) + base


def normalise(value: str, lenient: bool) -> str:
    value = _WS.sub(" ", nfc(value)).strip()
    value = _OLD_TONE.sub(_tone_first_vowel, value)
    if lenient:
        value = _FINAL_PUNCT.sub("", value)
    return value
