from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, event, inspect, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.namekey import name_sort_key
from ..core.timeutil import utcnow
from ..extensions import db
from ..orgs.models import OrgUnit
from .roles import ROLES, Role


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    role: Mapped[str] = mapped_column(String(20), default=Role.TRAINEE.value)
    org_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    # Bumped at logout and password change: every session carrying an older value is ended.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # When the account last made a request; written at most once a minute (auth.services.touch_last_seen).
    last_seen_at: Mapped[datetime | None]

    org: Mapped[OrgUnit] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (
        CheckConstraint("role IN (" + ", ".join(f"'{r}'" for r in ROLES) + ")", name="role"),
    )

    @property
    def is_active(self):
        return self.active

    def get_id(self):
        return f"{self.id}:{self.session_version}"

    def __repr__(self):
        return f"<User {self.email}>"


class ApiToken(db.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class PasswordReset(db.Model):
    """A single-use password-reset link. Only the token's SHA-256 is stored."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class Invitation(db.Model):
    """A "set your password" link sent to a new account. Only the token's SHA-256 is stored.

    Its own mail and its own page, not the reset mail: valid 7 days (INVITATION_MAX_AGE), single use.
    """

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class UserNameKey(db.Model):
    """One row per user: ``name_sort_key(user.name)``, kept in step by the listeners below."""

    __tablename__ = "user_name_keys"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    sort_key: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_user_name_keys_sort_key", "sort_key", "user_id"),)


_keys = UserNameKey.__table__


@event.listens_for(User, "after_insert")
def _key_on_insert(mapper, connection, target):
    connection.execute(_keys.insert().values(user_id=target.id, sort_key=name_sort_key(target.name)))


@event.listens_for(User, "after_update")
def _key_on_update(mapper, connection, target):
    if not inspect(target).attrs.name.history.has_changes():
        return
    key = name_sort_key(target.name)
    done = connection.execute(_keys.update().where(_keys.c.user_id == target.id).values(sort_key=key))
    if done.rowcount == 0:
        connection.execute(_keys.insert().values(user_id=target.id, sort_key=key))


def fill_missing_keys(session=None) -> int:
    """Add keys for users made without the ORM (bulk inserts); returns how many were added."""
    session = session or db.session
    missing = session.execute(select(User.id, User.name).outerjoin(_keys, _keys.c.user_id == User.id)
                              .where(_keys.c.user_id.is_(None))).all()
    if missing:
        session.execute(_keys.insert(), [{"user_id": i, "sort_key": name_sort_key(n)} for i, n in missing])
    return len(missing)
