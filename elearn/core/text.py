"""Vietnamese text helpers: collation for sorting names, and slugs."""
import re
import unicodedata

# Vietnamese alphabet order: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y
_BASE_ORDER = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_RANK = {ch: i for i, ch in enumerate(_BASE_ORDER)}
# Tones rank after the letter: none, huyền (grave), hỏi (hook), ngã (tilde), sắc (acute), nặng (dot)
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_MODIFIERS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter


def _letter_keys(text: str):
    primary, secondary = [], []
    for ch in text.lower():
        if ch == "đ":
            primary.append((1, _RANK["đ"], ""))
            secondary.append(0)
            continue
        decomposed = unicodedata.normalize("NFD", ch)
        base, marks = decomposed[0], decomposed[1:]
        tone = 0
        letter = base
        for m in marks:
            if m in _TONES:
                tone = _TONES[m]
            elif m in _MODIFIERS:
                letter += m
        letter = unicodedata.normalize("NFC", letter)
        if letter in _RANK:
            primary.append((1, _RANK[letter], ""))
        elif letter.isdigit():
            primary.append((0, int(letter), ""))
        elif letter.isalpha():
            primary.append((2, 0, letter))
        else:
            continue  # spaces and punctuation do not sort
        secondary.append(tone)
    return tuple(primary), tuple(secondary)


def vi_collate(text: str):
    """Sort key for Vietnamese strings: đ after d, ă/â after a, tones as a tie-breaker."""
    primary, secondary = _letter_keys(text or "")
    return primary, secondary


def vi_name_key(full_name: str):
    """Sort key for a Vietnamese personal name: by given name (last word), then the rest."""
    words = (full_name or "").split()
    if not words:
        return vi_collate("")
    return vi_collate(words[-1]), vi_collate(" ".join(words[:-1]))


def slugify(text: str) -> str:
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
