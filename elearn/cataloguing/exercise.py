"""Cataloguing exercises as files: an exercise YAML and its answer key (.mrk or MARCXML).

The format is documented in courses/FORMAT.md, section "Cataloguing exercises". In short::

    title: ...                 # required
    item: |                    # required: the item as the cataloguer has it in hand
      ...
    key: key.mrk               # required: the answer key, .mrk or MARCXML (by content), beside this file
    lenient: true              # optional: ignore final ISBD punctuation (default false)
    lessons: {default: slug, "245": slug, "6XX": slug}
    explain: {"245": "why ..."}
    ignore: ["040"]            # added to the defaults 001, 003, 005, 008/00-05
    extra_ok: ["650", "653"]   # extra submitted fields with these tags cost nothing
    variants:
      - field: "100"           # a tag of the key
        occurrence: 1          # which field with that tag (default 1)
        ind1: "01"             # accepted values of an indicator ("\\" or " " for blank)
        accept: ['=100  0\\$aNguyễn Kim Dần.']   # other acceptable whole fields, any tag
        values: {a: ["..."]}   # other accepted values of a subfield code in this field
        optional: true         # the field may be left out
        why: "..."             # added to every message about this field
"""
from __future__ import annotations

import os
import re

import yaml

from .compare import DEFAULT_IGNORE, Key, Variant
from .records import MarcFormatError, Record, nfc, read_mrk, read_record

_TAG = re.compile(r"^(LDR|[0-9]{3})\Z")
_IGNORE = re.compile(r"^(LDR|[0-9]{3})(/[0-9]{2}(-[0-9]{2})?)?\Z")
_LESSON_TAG = re.compile(r"^(default|LDR|[0-9]XX|[0-9]{3})\Z")


class ExerciseError(ValueError):
    """A malformed exercise file (Vietnamese message)."""


class Exercise:
    def __init__(self, path: str, title: str, item: str, key: Key, key_path: str, meta: dict):
        self.path = path
        self.title = title
        self.item = item
        self.key = key
        self.key_path = key_path
        self.meta = meta


def looks_like_exercise(data: bytes | str) -> bool:
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    head = text.lstrip("\ufeff").lstrip()
    if head.startswith(("<", "=")):
        return False
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError:
        return False
    return isinstance(doc, dict) and "key" in doc


def _err(path, msg):
    raise ExerciseError(f"{path}: {msg}")


def _indicator_values(path, value) -> str:
    if not isinstance(value, (str, list)):
        _err(path, "giá trị chỉ thị chấp nhận phải là chuỗi (ví dụ \"01\") hoặc danh sách.")
    chars = "".join(value) if isinstance(value, list) else value
    out = "".join(" " if c in ("\\", "#", " ") else c for c in chars)
    if not out or any(not (c == " " or c.isalnum()) for c in out):
        _err(path, f"giá trị chỉ thị {value!r} không hợp lệ.")
    return out


def _one_field(path, line: str):
    try:
        rec = read_mrk(line.strip() + "\n")
    except MarcFormatError as e:
        _err(path, f"dòng chấp nhận {line!r} không hợp lệ: {e.message}")
    if len(rec) != 1 or len(rec[0].fields) != 1 or rec[0].leader is not None:
        _err(path, f"mỗi mục trong 'accept' phải là đúng một trường .mrk: {line!r}")
    return rec[0].fields[0]


def load_exercise(path: str) -> Exercise:
    try:
        with open(path, encoding="utf-8") as fh:
            doc = yaml.safe_load(fh)
    except OSError as e:
        raise ExerciseError(f"{path}: không đọc được tệp ({e.strerror}).") from None
    except yaml.YAMLError as e:
        line = getattr(getattr(e, "problem_mark", None), "line", None)
        where = f" (dòng {line + 1})" if line is not None else ""
        raise ExerciseError(f"{path}: YAML không hợp lệ{where}.") from None
    if not isinstance(doc, dict):
        _err(path, "tệp bài tập phải là một bảng YAML (title, item, key, ...).")
    for name in ("title", "item", "key"):
        if not isinstance(doc.get(name), str) or not doc[name].strip():
            _err(path, f"thiếu '{name}' (chuỗi).")
    key_path = os.path.normpath(os.path.join(os.path.dirname(path), doc["key"]))
    if not os.path.realpath(key_path).startswith(os.path.dirname(os.path.realpath(path)) + os.sep):
        _err(path, "'key' phải là một tệp trong thư mục của bài tập.")
    try:
        with open(key_path, "rb") as fh:
            record = read_record(fh.read())
    except OSError as e:
        _err(path, f"không đọc được khóa {doc['key']} ({e.strerror}).")
    except MarcFormatError as e:
        _err(path, f"khóa {doc['key']}: {e.text()}")
    key = build_key(path, record, doc)
    return Exercise(path, doc["title"].strip(), doc["item"], key, key_path, doc)


def build_key(path: str, record: Record, doc: dict) -> Key:
    lenient = doc.get("lenient", False)
    if not isinstance(lenient, bool):
        _err(path, "'lenient' phải là true hoặc false.")
    ignore = list(DEFAULT_IGNORE)
    for item in doc.get("ignore") or []:
        if not isinstance(item, str) or not _IGNORE.match(item):
            _err(path, f"mục 'ignore' {item!r} không hợp lệ (nhãn như \"040\" hoặc vị trí như \"008/00-05\").")
        ignore.append(item)
    extra_ok = doc.get("extra_ok") or []
    if not isinstance(extra_ok, list) or not all(isinstance(t, str) and _TAG.match(t) for t in extra_ok):
        _err(path, "'extra_ok' phải là danh sách nhãn trường (ví dụ [\"650\"]).")
    lessons = doc.get("lessons") or {}
    if not isinstance(lessons, dict) or not all(
            isinstance(k, str) and _LESSON_TAG.match(k) and isinstance(v, str) and v.strip()
            for k, v in lessons.items()):
        _err(path, "'lessons' phải là bảng nhãn trường (hoặc \"default\", \"6XX\") → tên bài học.")
    explain = doc.get("explain") or {}
    if not isinstance(explain, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in explain.items()):
        _err(path, "'explain' phải là bảng nhãn trường → lời giải thích.")

    counts = {}
    for f in record.fields:
        counts[f.tag] = counts.get(f.tag, 0) + 1
    variants = []
    for n, v in enumerate(doc.get("variants") or [], start=1):
        where = f"variants mục {n}"
        if not isinstance(v, dict) or not isinstance(v.get("field"), str) or not _TAG.match(v["field"]):
            _err(path, f"{where}: cần 'field' là nhãn trường của khóa (ví dụ \"100\").")
        tag = v["field"]
        occ = v.get("occurrence", 1)
        if not isinstance(occ, int) or occ < 1 or counts.get(tag, 0) < occ:
            _err(path, f"{where}: khóa không có trường {tag} thứ {occ}.")
        unknown = set(v) - {"field", "occurrence", "ind1", "ind2", "accept", "values", "optional", "why"}
        if unknown:
            _err(path, f"{where}: khóa không biết {', '.join(sorted(unknown))}.")
        indicators = {}
        for n_ind in (1, 2):
            if f"ind{n_ind}" in v:
                indicators[n_ind] = _indicator_values(path, v[f"ind{n_ind}"])
        accept = v.get("accept") or []
        if not isinstance(accept, list) or not all(isinstance(a, str) for a in accept):
            _err(path, f"{where}: 'accept' phải là danh sách dòng .mrk.")
        values = v.get("values") or {}
        if not isinstance(values, dict) or not all(
                isinstance(c, str) and len(c) == 1 and isinstance(vals, list) and all(isinstance(x, str) for x in vals)
                for c, vals in values.items()):
            _err(path, f"{where}: 'values' phải là bảng mã trường con → danh sách giá trị (ví dụ {{b: [\"Nxb. Trẻ\"]}}).")
        optional = v.get("optional", False)
        if not isinstance(optional, bool):
            _err(path, f"{where}: 'optional' phải là true hoặc false.")
        why = v.get("why")
        if why is not None and not isinstance(why, str):
            _err(path, f"{where}: 'why' phải là chuỗi.")
        variants.append(Variant(tag, occ, indicators, [_one_field(path, a) for a in accept],
                                {c: [nfc(x) for x in vals] for c, vals in values.items()}, optional, why))
    return Key(record=record, lenient=lenient, variants=variants, ignore=tuple(ignore),
               extra_ok=tuple(extra_ok), lessons={k: v.strip() for k, v in lessons.items()}, explain=explain)
