"""The auth package's loaders (docs/ARCHITECTURE.md, "Loaders"): the account an admin page or an
invitation names, and the viewer's own API token, loaded and checked for the current viewer in one
place (404 for what is missing or not theirs, 403 where rights are missing)."""
from flask import abort
from flask_babel import gettext as _
from flask_login import current_user

from ..core.errors import ServiceError
from ..extensions import db
from .models import ApiToken, User
from .permissions import can_manage_users, can_resend_invitation


def load_managed_user(user_id: int) -> User:
    """An account for the admin pages: 403 for anyone who does not manage accounts, then 404."""
    if not can_manage_users(current_user):
        abort(403)
    return db.get_or_404(User, user_id)


def load_invitee(user_id: int) -> User:
    """An account whose invitation the viewer may send again (an admin, or a manager whose subtree
    holds it; never oneself): 404 when missing, 403 otherwise."""
    user = db.get_or_404(User, user_id)
    if not can_resend_invitation(current_user, user):
        abort(403)
    return user


def load_own_token(token_id: int) -> ApiToken:
    """One of the viewer's own API tokens (revoked or not); anyone else's is as missing: a 404 that
    says a token was not found."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        raise ServiceError(_("Không tìm thấy mã truy cập."), status=404)
    return token
