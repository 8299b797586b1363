"""Certificates: issued on course completion or by hand, verified publicly by an unguessable code."""
import secrets
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from ..auth.models import User
from ..core.errors import ServiceError
from ..core.timeutil import to_local, utcnow
from ..extensions import db
from ..orgs.models import OrgUnit
from .models import Certificate

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: easy to read out and type


def new_code() -> str:
    """12 symbols of 32 (60 bits): not guessable, and checked at a rate-limited page."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalize_code(code: str) -> str:
    raw = "".join(ch for ch in (code or "").upper() if ch in ALPHABET)
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}" if len(raw) == 12 else ""


def issuer_for(user: User) -> str:
    """The library at the top of the trainee's tree (the provincial library)."""
    root_id = int(user.org.path.strip("/").split("/")[0])
    root = db.session.get(OrgUnit, root_id)
    return root.name if root else user.org.name


def _create(user, course, completed_on: date, *, manual=False, reason="", by=None) -> Certificate:
    cert = Certificate(code=new_code(), user_id=user.id, course_id=course.id, full_name=user.name,
                       course_title=course.title, unit_name=user.org.name, issuer=issuer_for(user),
                       hours=course.hours or 0, completed_on=completed_on, manual=manual, manual_reason=reason,
                       issued_by_id=by.id if by else None)
    db.session.add(cert)
    db.session.flush()
    return cert


def issue_for_completion(user_id, course, completed_at) -> Certificate | None:
    existing = db.session.scalar(select(Certificate).where(Certificate.user_id == user_id,
                                                           Certificate.course_id == course.id))
    if existing is not None:
        return existing
    user = db.session.get(User, user_id)
    return _create(user, course, to_local(completed_at or utcnow()).date())


def issue_manually(user, course, reason: str, by) -> Certificate:
    """Recognised prior learning: an instructor of the course (or an admin) issues it by hand."""
    if not (reason or "").strip():
        raise ServiceError(_("Hãy ghi căn cứ công nhận (ví dụ: đã học lớp tập huấn trực tiếp ngày …)."), field="reason")
    existing = db.session.scalar(select(Certificate).where(Certificate.user_id == user.id,
                                                           Certificate.course_id == course.id))
    if existing is not None and existing.revoked_at is None:
        raise ServiceError(_("%(name)s đã có giấy chứng nhận của khoá học này.", name=user.name), field="email")
    if existing is not None:
        db.session.delete(existing)
        db.session.flush()
    return _create(user, course, to_local(utcnow()).date(), manual=True, reason=reason.strip(), by=by)


def revoke(cert: Certificate, reason: str, by) -> None:
    if not (reason or "").strip():
        raise ServiceError(_("Hãy ghi lý do thu hồi."), field="reason")
    if cert.revoked_at is not None:
        raise ServiceError(_("Giấy chứng nhận này đã bị thu hồi."), status=409)
    cert.revoked_at, cert.revoked_reason, cert.revoked_by_id = utcnow(), reason.strip(), by.id
    db.session.flush()


def by_code(code: str) -> Certificate | None:
    code = normalize_code(code)
    if not code:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code))
