"""A sort key for Vietnamese personal names, as a plain string that sorts bytewise exactly like
``elearn.core.text.vi_name_key`` sorts tuples. Stored per user (``user_name_keys``) so the database
can ORDER BY it and page boundaries agree with Vietnamese order on SQLite and PostgreSQL alike.

Encoding: only the letters a–p, so every collation (binary, "C", en_US) orders keys the same way.
Each of the four parts of the tuple key (given name's letters, its tones, the rest's letters, their
tones) ends with "a", which is lower than any element; so a shorter part sorts first, as in tuples.
"""
from .text import vi_name_key

_END = "a"


def _hex_letters(n: int, width: int) -> str:
    return "".join(chr(ord("a") + ((n >> (4 * i)) & 0xF)) for i in reversed(range(width)))


def _primary(elements) -> str:
    out = []
    for cls, rank, letter in elements:
        if cls == 0:  # digit
            out.append("b" + _hex_letters(rank, 1))
        elif cls == 1:  # Vietnamese letter, by its rank in the alphabet
            out.append("c" + _hex_letters(rank, 2))
        else:  # any other letter, by code point
            out.append("d" + _hex_letters(ord(letter), 6))
    return "".join(out) + _END


def _secondary(tones) -> str:
    return "".join(chr(ord("b") + t) for t in tones) + _END


def name_sort_key(full_name: str) -> str:
    if not (full_name or "").split():
        return ""  # vi_name_key gives ((), ()): before every name
    (given_p, given_s), (rest_p, rest_s) = vi_name_key(full_name)
    return _primary(given_p) + _secondary(given_s) + _primary(rest_p) + _secondary(rest_s)
