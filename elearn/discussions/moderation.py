"""Staff moderation: pin, lock, hide (with a reason), show, move; reports. Every action writes a
row of ``forum_audit`` in the same transaction. The callers have checked ``can_moderate``."""
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..core.errors import Conflict, ServiceError
from ..core.timeutil import utcnow
from ..extensions import db
from .models import ModerationLog, Post, PostReport, Thread
from .services import refresh_search

THREAD_ACTIONS = ("pin", "unpin", "lock", "unlock", "hide", "show")
REASON_MAX = 1000


def _reason(reason, required):
    reason = " ".join((reason or "").split())
    if "\x00" in reason:
        raise ServiceError(_("Không được chứa ký tự NUL."), field="reason")
    if required and len(reason) < 3:
        raise ServiceError(_("Hãy ghi lý do (ít nhất 3 ký tự)."), field="reason")
    if len(reason) > REASON_MAX:
        raise ServiceError(_("Lý do dài tối đa %(n)d ký tự.", n=REASON_MAX), field="reason")
    return reason


def log(actor, thread, action, reason="", post=None, **detail):
    db.session.add(ModerationLog(course_id=thread.course_id, thread_id=thread.id, post_id=post.id if post else None,
                                 actor_id=actor.id, action=action, reason=reason, detail=detail,
                                 created_at=utcnow()))


def moderate_thread(actor, thread: Thread, action: str, reason: str = "") -> None:
    if action not in THREAD_ACTIONS:
        raise ServiceError(_("Thao tác không hợp lệ."), field="action")
    reason = _reason(reason, required=action == "hide")
    if action in ("pin", "unpin"):
        thread.pinned = action == "pin"
    elif action in ("lock", "unlock"):
        thread.locked = action == "lock"
    else:
        thread.hidden = action == "hide"
        thread.hidden_reason = reason if action == "hide" else ""
    log(actor, thread, action, reason)
    db.session.flush()


def moderate_post(actor, thread, post: Post, action: str, reason: str = "") -> None:
    """Hide a post (with a reason) or show it again. Hiding the opening post hides the thread."""
    if action not in ("hide", "show"):
        raise ServiceError(_("Thao tác không hợp lệ."), field="action")
    reason = _reason(reason, required=action == "hide")
    if post.is_first:
        moderate_thread(actor, thread, action, reason)
        return
    post.hidden = action == "hide"
    post.hidden_reason = reason if action == "hide" else ""
    if post.hidden and post.is_answer:
        post.is_answer = False
        thread.answered = False
    log(actor, thread, f"{action}_post", reason, post=post)
    refresh_search(thread)
    db.session.flush()


def move_thread(actor, thread: Thread, *, module=None, workshop=None, reason="") -> None:
    """Move a thread to another list of the same course (module, workshop or the course forum)."""
    reason = _reason(reason, required=False)
    before = {"module_id": thread.module_id, "workshop_id": thread.workshop_id}
    after = {"module_id": module.id if module else None, "workshop_id": workshop.id if workshop else None}
    if before == after:
        raise Conflict(_("Chủ đề đã ở đó rồi."))
    thread.module_id, thread.workshop_id = after["module_id"], after["workshop_id"]
    log(actor, thread, "move", reason, before=before, after=after)
    db.session.flush()


def report(user, post: Post, reason: str) -> bool:
    """Report a post to staff; False when this user already reported it."""
    reason = _reason(reason, required=True)
    if post.author_id == user.id:
        raise ServiceError(_("Bạn không thể báo cáo bài của chính mình."))
    try:
        with db.session.begin_nested():
            db.session.add(PostReport(post_id=post.id, reporter_id=user.id, reason=reason, created_at=utcnow()))
    except IntegrityError:
        return False
    return True


def open_reports(course_id):
    return db.session.execute(
        select(PostReport, Post, Thread).join(Post, PostReport.post_id == Post.id)
        .join(Thread, Post.thread_id == Thread.id)
        .where(Thread.course_id == course_id, PostReport.resolved_at.is_(None))
        .order_by(PostReport.created_at)).all()


def resolve_report(actor, rep: PostReport, thread) -> None:
    if rep.resolved_at is not None:
        return
    rep.resolved_at, rep.resolved_by_id = utcnow(), actor.id
    log(actor, thread, "resolve", "", post=db.session.get(Post, rep.post_id), report_id=rep.id)
    db.session.flush()


def audit_log(course_id):
    return select(ModerationLog).where(ModerationLog.course_id == course_id).order_by(ModerationLog.id.desc())
