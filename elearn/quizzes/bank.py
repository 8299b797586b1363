"""The question bank: categories and questions per course, filled from GIFT or Moodle XML."""
import copy
import hashlib
import html
import os
import re
import secrets
import time
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..core.errors import ServiceError
from ..core.markdown import render as render_markdown
from ..core.sanitize import clean_html
from ..extensions import db
from . import gift, moodlexml, types
from .models import Question, QuestionCategory


def text_to_html(text: str, fmt: str) -> str:
    """Question text → safe HTML, by its GIFT/Moodle format."""
    if fmt == "html":
        return clean_html(text)
    if fmt == "markdown":
        return render_markdown(text)
    paragraphs = [p for p in (text or "").split("\n\n")]
    return "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs if p.strip())


def parse_file(content: bytes | str) -> gift.GiftResult:
    """GIFT or Moodle XML, decided by content (an XML declaration or a <quiz> root)."""
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            return gift.GiftResult(questions=[], errors=[gift.GiftError(1, _("Tệp phải dùng mã UTF-8."))])
    head = content.lstrip()[:200].lower()
    if head.startswith("<?xml") or head.startswith("<quiz"):
        return moodlexml.parse(content)
    return gift.parse(content)


def ensure_category(course, path: str) -> QuestionCategory:
    """The category at ``path`` ("a/b/c") in ``course``, creating it and its parents."""
    parts = [p.strip() for p in path.split("/") if p.strip()] or ["mac-dinh"]
    parent = None
    for i in range(len(parts)):
        sub = "/".join(parts[: i + 1])
        cat = db.session.scalar(select(QuestionCategory).where(QuestionCategory.course_id == course.id,
                                                               QuestionCategory.path == sub))
        if cat is None:
            cat = QuestionCategory(course_id=course.id, parent_id=parent.id if parent else None,
                                   name=parts[i], path=sub)
            db.session.add(cat)
            db.session.flush()
        parent = cat
    return parent


@dataclass
class BankImport:
    questions: list = field(default_factory=list)  # Question rows, in file order
    created: int = 0
    updated: int = 0
    by_type: dict = field(default_factory=dict)
    categories: list = field(default_factory=list)


def _with_category(q, default_category: str):
    if q.category is None:
        q = copy.copy(q)  # keeps attributes a reader set beyond the dataclass fields (grader_info, ...)
        q.category = default_category.split("/")
    return q


def _existing_keys(course, keys) -> set:
    keys = list(set(keys))
    found = set()
    for i in range(0, len(keys), 500):
        found.update(db.session.scalars(select(Question.key).where(Question.course_id == course.id,
                                                                   Question.key.in_(keys[i:i + 500]))))
    return found


def preview_counts(course, parsed: list, default_category: str) -> dict:
    """How many parsed questions are new to ``course``'s bank and how many match one already there
    (same category and title, or text): those would be replaced, or added as new, as the user chooses."""
    keys = [_with_category(q, default_category).key() for q in parsed]
    existing = _existing_keys(course, keys)
    matching = sum(1 for k in keys if k in existing)
    return {"new": len(keys) - matching, "existing": matching}


def _fresh_key(key: str, taken: set) -> str:
    n = 2
    while True:
        candidate = hashlib.sha1(f"{key}\n{n}".encode()).hexdigest()
        if candidate not in taken:
            return candidate
        n += 1


def store_questions(course, parsed: list, default_category: str, *, replace: bool) -> BankImport:
    """Store parsed gift.Questions in ``course``'s bank.

    A question's key is (category, title or text). With ``replace`` (the idempotent curriculum import,
    ``questions import --replace``) a question whose key is already in the bank updates that row in
    place. Without it, such a question is added as a new one beside the old, as Moodle does: two files
    that both use "Q1" keep both questions."""
    result = BankImport()
    keyed = [_with_category(q, default_category) for q in parsed]
    # without replace: every key of the course is taken, so a fresh key never collides
    taken = set() if replace else set(db.session.scalars(select(Question.key).where(Question.course_id == course.id)))
    for q in keyed:
        path = "/".join(q.category)
        category = ensure_category(course, path)
        qtype, text, fmt, data, general_feedback = types.from_gift(q)
        key = q.key()
        if not replace and key in taken:
            key = _fresh_key(key, taken)
        data = types.get_type(qtype).assign_ids(data, key)  # opaque choice ids, stable for this key
        row = (db.session.scalar(select(Question).where(Question.course_id == course.id, Question.key == key))
               if replace else None)
        values = dict(category_id=category.id, title=q.title, qtype=qtype, text=text, text_format=fmt,
                      text_html=text_to_html(text, fmt), data=data, general_feedback=general_feedback,
                      status="active")
        if row is None:
            row = Question(course_id=course.id, key=key, **values)
            db.session.add(row)
            result.created += 1
            taken.add(key)
        else:
            changed = False
            for k, v in values.items():
                if getattr(row, k) != v:
                    setattr(row, k, v)
                    changed = True
            result.updated += int(changed)
        result.questions.append(row)
        result.by_type[qtype] = result.by_type.get(qtype, 0) + 1
        if category.path not in result.categories:
            result.categories.append(category.path)
    db.session.flush()
    return result


def export_course(course) -> str:
    rows = db.session.scalars(select(Question).where(Question.course_id == course.id, Question.status == "active")
                              .order_by(Question.category_id, Question.id)).all()
    out = [types.to_gift(q.qtype, q.text, q.text_format, q.data, q.general_feedback, title=q.title,
                         category=q.category.path.split("/")) for q in rows]
    return gift.export(out)


# --- import from the browser: a preview first, then the import of the same file -----------------------

#: A question file uploaded from the browser is at most this big.
MAX_UPLOAD = 2 * 1024 * 1024
_TOKEN_RE = re.compile(r"[0-9a-f]{32}")


def _preview_dir() -> str:
    """Where question files wait between preview and import; previews older than a day are removed."""
    path = os.path.join(current_app.instance_path, "uploads", "imports")
    os.makedirs(path, exist_ok=True)
    cutoff = time.time() - 24 * 3600
    for name in os.listdir(path):
        full = os.path.join(path, name)
        try:
            if os.path.getmtime(full) < cutoff:
                os.remove(full)
        except OSError:
            pass  # another worker removed it first
    return path


def _preview_path(token: str) -> str:
    if not isinstance(token, str) or not _TOKEN_RE.fullmatch(token):
        raise ServiceError(_("Bản xem trước không hợp lệ; hãy tải tệp lên lại."), field="file")
    return os.path.join(_preview_dir(), token + ".txt")


def keep_for_import(data: bytes) -> str:
    """Keep an uploaded file until its import is confirmed; returns the token that names it."""
    if not data:
        raise ServiceError(_("Hãy chọn một tệp."), field="file")
    if len(data) > MAX_UPLOAD:
        raise ServiceError(_("Tệp câu hỏi tối đa 2 MB."), field="file")
    token = secrets.token_hex(16)
    with open(_preview_path(token), "wb") as fh:
        fh.write(data)
    return token


def import_kept(course, token: str, default_category: str, *, replace: bool, skip_bad: bool) -> BankImport:
    """Import the file kept under ``token`` into ``course``'s bank (as ``store_questions``). All or
    nothing unless ``skip_bad``; the kept file is removed once the caller commits (``forget_kept``)."""
    path = _preview_path(token)
    if not os.path.exists(path):
        raise ServiceError(_("Bản xem trước đã hết hạn; hãy tải tệp lên lại."), field="file")
    with open(path, "rb") as fh:
        parsed = parse_file(fh.read())
    if parsed.errors and not skip_bad:
        raise ServiceError(_("Tệp có câu hỏi lỗi; không nhập gì. Sửa tệp, hoặc chọn bỏ qua các câu lỗi."),
                           field="skip_bad")
    return store_questions(course, parsed.questions, default_category, replace=replace)


def forget_kept(token: str) -> None:
    try:
        os.remove(_preview_path(token))
    except (OSError, ServiceError):
        pass  # already gone (a second confirmation, another worker)
