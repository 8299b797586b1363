"""Create forms store once, even when submitted twice (double click, back and resubmit, a retry).

Each create form carries a one-time submission nonce in a hidden field (``OnceMixin``), made when
the form is rendered. The view claims the nonce in the same transaction as the object it creates,
and records where that object is before committing::

    if form.validate_on_submit():
        replay = once.claim(form)
        if replay is not None:
            return replay              # this form was already submitted: show what it made
        thing = services.create_thing(...)
        once.done(url_for(...thing...))
        db.session.commit()

Claims are rows of ``idempotency_keys`` (the table behind the API's ``Idempotency-Key``), keyed
by (user, nonce) with a unique constraint, so two simultaneous submissions cannot both pass: the
second one waits for the first to commit (PostgreSQL's unique index; SQLite's write lock), then
finds its row and redirects to what the first created. If the first one fails and rolls back, its
claim goes with it and the form can be corrected and sent again with the same nonce.
A post without a nonce (an old page, a script) is not deduplicated.
"""
import secrets

from flask import flash, g, redirect, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from wtforms import HiddenField

from ..extensions import db
from .models import IdempotencyKey

ENDPOINT_PREFIX = "form:"
MAX_NONCE = 80  # the width of idempotency_keys.key


def new_nonce() -> str:
    return secrets.token_urlsafe(18)


class OnceMixin:
    """Adds the hidden one-time ``nonce`` field to a create form (render ``{{ form.nonce }}``)."""

    nonce = HiddenField(default=new_nonce)


def _find(nonce):
    return db.session.scalar(select(IdempotencyKey).where(IdempotencyKey.user_id == current_user.id,
                                                          IdempotencyKey.key == nonce))


def _replay(row):
    flash(_("Biểu mẫu này đã được gửi rồi; đây là kết quả của lần gửi đó."), "info")
    location = (row.body or {}).get("location") if row is not None else None
    if not location:
        location = request.referrer if request.referrer and request.referrer.startswith(request.host_url) else "/"
    return redirect(location, 303)


def claim(form):
    """Claim ``form``'s nonce for this request; a redirect to the first result if it was claimed."""
    field = getattr(form, "nonce", None)
    nonce = (field.data or "").strip() if field is not None else ""
    if not nonce or len(nonce) > MAX_NONCE or not current_user.is_authenticated:
        return None
    endpoint = ENDPOINT_PREFIX + (request.endpoint or "")[: 120 - len(ENDPOINT_PREFIX)]
    existing = _find(nonce)
    if existing is not None:
        return _replay(existing)
    row = IdempotencyKey(user_id=current_user.id, key=nonce, endpoint=endpoint, status_code=303, body={})
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        # A simultaneous submission with the same nonce committed first: show its result.
        db.session.rollback()
        return _replay(_find(nonce))
    g.once_claim = row
    return None


def done(location: str) -> None:
    """Record where the created object is, for a repeated submission (call before the commit)."""
    row = g.pop("once_claim", None)
    if row is not None:
        row.body = {"location": location}
        db.session.flush()
