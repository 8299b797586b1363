"""Discussions (issue 14): a forum per course, a thread list per module and per workshop, Q&A,
moderation with an audit log, following by mail (an outbox), unread markers, search and an API."""
from flask import Blueprint

bp = Blueprint("discussions", __name__, url_prefix="/discuss")

from . import dashboard, kind, modviews, views  # noqa: E402,F401
