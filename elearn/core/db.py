"""Transaction helpers shared by the feature packages."""
from flask import g, has_request_context, request

from ..extensions import db

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def wants_immediate() -> bool:
    """Whether a new SQLite transaction should take the write lock at once (see create_app)."""
    if not has_request_context():
        return False
    return request.method not in SAFE_METHODS or g.get("db_writes", False)


def want_write() -> None:
    """A GET handler is about to write: end the read transaction so the next one is IMMEDIATE."""
    if g.get("db_writes"):
        return
    g.db_writes = True
    if db.engine.dialect.name == "sqlite" and db.session().in_transaction():
        # Keep what the request has read (the user, the course, the activity): on PostgreSQL nothing
        # is committed here and those objects stay as read; expiring them made SQLite read each one
        # again inside the write transaction (three statements on every lesson view).
        session = db.session()
        keep, session.expire_on_commit = session.expire_on_commit, False
        try:
            session.commit()
        finally:
            session.expire_on_commit = keep
