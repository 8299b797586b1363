"""The progress package's loaders (docs/ARCHITECTURE.md, "Loaders"): a certificate, a trainee whose
progress course staff look at, a user whose progress the API reports, loaded and checked for the
current viewer in one place (404 for what they may not see, 403 where rights are missing)."""
from flask import abort
from flask_login import current_user

from ..auth.models import User
from ..auth.permissions import teaches
from ..courses import services as courses
from ..courses.loaders import load_editable_course
from ..courses.models import Course
from ..extensions import db
from .models import Certificate
from .permissions import can_manage_progress_in_course, can_revoke_certificates, can_view_progress_of


def load_certificate(cert_id: int) -> Certificate:
    """A certificate whose owner's progress the viewer may see (themselves, an admin, a manager in
    scope, the course's instructor for a trainee enrolled in it); 404 otherwise."""
    cert = db.get_or_404(Certificate, cert_id)
    owner = db.session.get(User, cert.user_id)
    course = db.session.get(Course, cert.course_id)
    staff = courses.is_staff(current_user, course)
    enrolled = staff and courses.is_enrolled(owner, course)
    if not can_view_progress_of(current_user, owner, is_course_staff=staff, trainee_enrolled=enrolled):
        abort(404)
    return cert


def load_revocable_certificate(cert_id: int) -> Certificate:
    """A certificate for someone who may revoke certificates: 403 for anyone else, then 404."""
    if not can_revoke_certificates(current_user):
        abort(403)
    return db.get_or_404(Certificate, cert_id)


def may_manage_progress(course: Course, target: User) -> bool:
    """Whether the viewer (course staff) may see and change ``target``'s progress in ``course``."""
    return can_manage_progress_in_course(current_user, target, is_course_staff=courses.is_staff(current_user, course),
                                         target_enrolled=courses.is_enrolled(target, course))


def load_course_trainee(slug: str, user_id: int) -> tuple[Course, User]:
    """Course staff's page of one trainee: (course, trainee) for someone who edits the course (see
    ``courses.loaders.load_editable_course``) and may manage that trainee there; 404 when the user
    is missing, not enrolled, or not a trainee for an instructor: nothing more is said."""
    course = load_editable_course(slug)
    target = db.session.get(User, user_id)
    if target is None or not may_manage_progress(course, target):
        abort(404)
    return course, target


def load_progress_owner(user_id: int) -> User:
    """A user whose progress in every course the viewer may read (themselves, an admin, a manager in
    scope); 404 otherwise, and for instructors (they see progress per course, as course staff)."""
    user = db.session.get(User, user_id)
    if user is None or not can_view_progress_of(current_user, user) or teaches(current_user):
        abort(404)
    return user
