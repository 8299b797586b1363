"""Threads and posts: write, edit (with history), answer, read markers, lists and search.

Moderation is in ``moderation.py``, the mail outbox in ``outbox.py``. Every function here takes what
the loaders already checked (a ``ForumAccess``, a thread the viewer may see); none checks access.
"""
import re
import unicodedata

from flask_babel import gettext as _
from sqlalchemy import and_, false, func, or_, select, true
from sqlalchemy.exc import IntegrityError

from ..auth.permissions import is_learner
from ..core.errors import Conflict, ServiceError
from ..core.markdown import render
from ..core.sanitize import strip_tags
from ..core.timeutil import utcnow
from ..extensions import db
from .models import ForumVisit, Post, PostRevision, Subscription, Thread, ThreadRead
from .permissions import can_edit

TITLE_MAX = 200
BODY_MAX = 20_000
SEARCH_MAX = 100_000  # folded text kept per thread


# --- text -----------------------------------------------------------------------------------------

def fold(text: str | None) -> str:
    """Lower-case ASCII without diacritics, for search: "Thư viện xã" → "thu vien xa"."""
    text = (text or "").replace("đ", "d").replace("Đ", "d")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"\s+", " ", text).strip()


def clean_title(title) -> str:
    title = " ".join(strip_tags(title or "").split())
    if len(title) < 3:
        raise ServiceError(_("Tiêu đề cần ít nhất 3 ký tự."), field="title")
    if len(title) > TITLE_MAX:
        raise ServiceError(_("Tiêu đề dài tối đa %(n)d ký tự.", n=TITLE_MAX), field="title")
    return title


def render_body(body) -> tuple[str, str]:
    """(Markdown, sanitised HTML) of a post, or a ServiceError on the ``body`` field."""
    body = (body or "").replace("\r\n", "\n").strip()
    if "\x00" in body:
        raise ServiceError(_("Không được chứa ký tự NUL."), field="body")
    if not body:
        raise ServiceError(_("Hãy viết nội dung."), field="body")
    if len(body) > BODY_MAX:
        raise ServiceError(_("Nội dung dài tối đa %(n)d ký tự.", n=BODY_MAX), field="body")
    html = render(body)
    if not strip_tags(html).strip() and "<img" not in html:
        raise ServiceError(_("Hãy viết nội dung."), field="body")
    return body, html


def refresh_search(thread: Thread) -> None:
    """The thread's folded title and visible posts, for diacritic-blind search."""
    bodies = db.session.scalars(select(Post.body_md).where(Post.thread_id == thread.id, Post.hidden == false())
                                .order_by(Post.id)).all()
    thread.search_text = fold(thread.title + " " + " ".join(bodies))[:SEARCH_MAX]


# --- writing --------------------------------------------------------------------------------------

def create_thread(user, access, *, title, body, module=None, workshop=None, question=False, now=None) -> Thread:
    now = now or utcnow()
    title = clean_title(title)
    body_md, body_html = render_body(body)
    thread = Thread(course_id=access.course.id, module_id=module.id if module else None,
                    workshop_id=workshop.id if workshop else None, author_id=user.id, title=title,
                    is_question=bool(question), created_at=now, last_post_at=now, post_count=1, hidden_reason="")
    db.session.add(thread)
    db.session.flush()
    post = Post(thread_id=thread.id, author_id=user.id, body_md=body_md, body_html=body_html, is_first=True,
                created_at=now, hidden_reason="")
    db.session.add(post)
    db.session.flush()
    refresh_search(thread)
    subscribe(user, thread.course_id, thread=thread, mode="instant")  # the author follows their thread
    mark_read(user, thread, now)
    from . import outbox

    outbox.queue_for_post(post, thread)
    _tell_progress(user, thread, now)
    return thread


def reply(user, thread, *, body, quote_of_id=None, now=None) -> Post:
    now = now or utcnow()
    if thread.locked:
        raise Conflict(_("Chủ đề đã khoá; không thể trả lời thêm."))
    body_md, body_html = render_body(body)
    quote = None
    if quote_of_id:
        quote = db.session.get(Post, quote_of_id)
        if quote is None or quote.thread_id != thread.id or quote.hidden:
            raise ServiceError(_("Bài được trích dẫn không thuộc chủ đề này."))
    post = Post(thread_id=thread.id, author_id=user.id, body_md=body_md, body_html=body_html,
                quote_of_id=quote.id if quote else None, created_at=now, hidden_reason="")
    db.session.add(post)
    thread.post_count = (thread.post_count or 0) + 1
    thread.last_post_at = now
    db.session.flush()
    refresh_search(thread)
    mark_read(user, thread, now)
    from . import outbox

    outbox.queue_for_post(post, thread)
    _tell_progress(user, thread, now)
    return post


def edit_post(user, post, thread, *, body, title=None, now=None) -> Post:
    """The author edits within the window; the text before the edit is kept as a revision."""
    now = now or utcnow()
    if not can_edit(user, post, now):
        raise Conflict(_("Chỉ tác giả sửa được bài, trong 30 phút sau khi đăng."))
    body_md, body_html = render_body(body)
    new_title = clean_title(title) if post.is_first and title is not None else None
    db.session.add(PostRevision(post_id=post.id, body_md=post.body_md, edited_by_id=user.id, created_at=now,
                                title=thread.title if post.is_first else None))
    post.body_md, post.body_html, post.edited_at = body_md, body_html, now
    if new_title:
        thread.title = new_title
    db.session.flush()
    refresh_search(thread)
    return post


def mark_answer(thread, post, *, answer=True) -> None:
    """Mark ``post`` as the answer (one per thread), or take the mark away."""
    if not thread.is_question:
        raise Conflict(_("Chủ đề này không phải câu hỏi."))
    if post.thread_id != thread.id or post.is_first or post.hidden:
        raise ServiceError(_("Chỉ một câu trả lời trong chủ đề mới được chọn."))
    for other in db.session.scalars(select(Post).where(Post.thread_id == thread.id, Post.is_answer == true())):
        other.is_answer = False
    post.is_answer = answer
    thread.answered = answer
    db.session.flush()


def _tell_progress(user, thread, now):
    """A post may complete a discussion activity of the thread's module (``kind.DiscussionKind``)."""
    if thread.module_id is None or not is_learner(user):
        return
    from ..core.signals import tell_facts_changed

    tell_facts_changed(thread.course_id, user.id, now=now)


# --- following, reading ---------------------------------------------------------------------------

def scope_of(*, course_id=None, thread=None, module=None, workshop=None) -> str:
    if thread is not None:
        return f"thread:{thread.id}"
    if module is not None:
        return f"module:{module.id}"
    if workshop is not None:
        return f"workshop:{workshop.id}"
    return f"course:{course_id}"


def subscription(user, scope) -> Subscription | None:
    return db.session.scalar(select(Subscription).where(Subscription.user_id == user.id, Subscription.scope == scope))


def subscribe(user, course_id, *, thread=None, module=None, workshop=None, mode="instant") -> None:
    """Follow (``mode`` instant or digest) or stop following (``mode`` None)."""
    if mode not in ("instant", "digest", None):
        raise ServiceError(_("Cách nhận thư không hợp lệ."), field="mode")
    scope = scope_of(course_id=course_id, thread=thread, module=module, workshop=workshop)
    row = subscription(user, scope)
    if mode is None:
        if row is not None:
            db.session.delete(row)
        return
    if row is not None:
        row.mode = mode
        return
    row = Subscription(user_id=user.id, course_id=course_id, scope=scope, mode=mode,
                       thread_id=thread.id if thread else None, module_id=module.id if module else None,
                       workshop_id=workshop.id if workshop else None)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # the same click twice at once: the other one made it
        pass


def _upsert(model, keys: dict, values: dict):
    row = db.session.get(model, tuple(keys.values()))
    if row is None:
        try:
            with db.session.begin_nested():
                db.session.add(model(**keys, **values))
            return
        except IntegrityError:
            row = db.session.get(model, tuple(keys.values()))
    for k, v in values.items():
        setattr(row, k, v)


def mark_read(user, thread, now=None) -> None:
    _upsert(ThreadRead, {"user_id": user.id, "thread_id": thread.id}, {"read_at": now or utcnow()})


def visit(user, course, now=None) -> None:
    _upsert(ForumVisit, {"user_id": user.id, "course_id": course.id}, {"seen_at": now or utcnow()})


def unread_ids(user, threads) -> set[int]:
    """Ids of ``threads`` with a post the user has not read (new, or newer than their last read)."""
    ids = [t.id for t in threads]
    if not ids:
        return set()
    read = dict(db.session.execute(select(ThreadRead.thread_id, ThreadRead.read_at).where(
        ThreadRead.user_id == user.id, ThreadRead.thread_id.in_(ids))).all())
    return {t.id for t in threads if t.id not in read or t.last_post_at > read[t.id]}


# --- lists and search -----------------------------------------------------------------------------

FILTERS = ("all", "questions", "answered", "unanswered", "unread")


def visible_condition(access):
    """Threads of ``access.course`` the viewer may see (their module or workshop included)."""
    modules, workshops = list(access.modules()), list(access.workshops())
    cond = and_(Thread.course_id == access.course.id,
                or_(Thread.module_id.is_(None), Thread.module_id.in_(modules or [-1])),
                or_(Thread.workshop_id.is_(None), Thread.workshop_id.in_(workshops or [-1])))
    if not access.moderator:
        cond = and_(cond, Thread.hidden == false())
    return cond


def _like_escape(word):
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_condition(q: str):
    """Every word of ``q``, folded, in the thread's folded text ("thu vien xa" finds "Thư viện xã")."""
    words = fold(q).split()[:8]
    return and_(*[Thread.search_text.like(f"%{_like_escape(w)}%", escape="\\") for w in words]) if words else true()


def list_threads(user, access, *, module=None, workshop=None, q="", show="all", place_only=False):
    """The statement for a thread list: pinned first, then the latest activity."""
    stmt = select(Thread).where(visible_condition(access))
    if module is not None:
        stmt = stmt.where(Thread.module_id == module.id)
    elif workshop is not None:
        stmt = stmt.where(Thread.workshop_id == workshop.id)
    elif place_only:
        stmt = stmt.where(Thread.module_id.is_(None), Thread.workshop_id.is_(None))
    if q:
        stmt = stmt.where(search_condition(q))
    if show == "questions":
        stmt = stmt.where(Thread.is_question == true())
    elif show == "answered":
        stmt = stmt.where(Thread.is_question == true(), Thread.answered == true())
    elif show == "unanswered":
        stmt = stmt.where(Thread.is_question == true(), Thread.answered == false())
    elif show == "unread":
        read = select(ThreadRead.thread_id).where(ThreadRead.user_id == user.id,
                                                  ThreadRead.read_at >= Thread.last_post_at)
        stmt = stmt.where(Thread.id.not_in(read))
    return stmt.order_by(Thread.pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc())


def thread_posts(access, thread):
    """The statement for a thread's posts: the opening post, the answer, then replies in order."""
    stmt = select(Post).where(Post.thread_id == thread.id)
    if not access.moderator:
        stmt = stmt.where(Post.hidden == false())
    return stmt.order_by(Post.is_first.desc(), Post.is_answer.desc(), Post.created_at, Post.id)


def new_since_last_visit(user, access) -> int:
    """Posts by others in the threads the user may see in ``access.course``, newer than their last
    visit to its forum (all of them before a first visit). One statement: the visit is a subquery."""
    seen = select(ForumVisit.seen_at).where(ForumVisit.user_id == user.id,
                                            ForumVisit.course_id == access.course.id).scalar_subquery()
    stmt = select(func.count(Post.id)).join(Thread, Post.thread_id == Thread.id).where(
        visible_condition(access), Post.hidden == false(),
        or_(Post.author_id.is_(None), Post.author_id != user.id),
        or_(seen.is_(None), Post.created_at > seen))
    return db.session.scalar(stmt) or 0


def courses_with_new_posts(user, course_ids) -> set[int]:
    """Of ``course_ids``, those with a visible post by others newer than the user's last visit to
    their forum: a superset of where ``new_since_last_visit`` finds any (it also hides the posts of
    modules and workshops the user may not see)."""
    if not course_ids:
        return set()
    seen = select(ForumVisit.seen_at).where(ForumVisit.user_id == user.id,
                                            ForumVisit.course_id == Thread.course_id).scalar_subquery()
    return set(db.session.scalars(select(Thread.course_id).distinct().join(Post, Post.thread_id == Thread.id).where(
        Thread.course_id.in_(course_ids), Thread.hidden == false(), Post.hidden == false(),
        or_(Post.author_id.is_(None), Post.author_id != user.id),
        or_(seen.is_(None), Post.created_at > seen))))


def unanswered_count(access) -> int:
    return db.session.scalar(select(func.count(Thread.id)).where(
        visible_condition(access), Thread.is_question == true(), Thread.answered == false())) or 0
