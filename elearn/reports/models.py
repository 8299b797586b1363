"""Report tables: the users' Vietnamese name sort keys, and the export audit log."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, event, inspect, select
from sqlalchemy.orm import Mapped, mapped_column

from ..auth.models import User
from ..core.timeutil import utcnow
from ..extensions import db
from .namekey import name_sort_key


class UserNameKey(db.Model):
    """One row per user: ``name_sort_key(user.name)``, kept in step by the listeners below."""

    __tablename__ = "user_name_keys"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    sort_key: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_user_name_keys_sort_key", "sort_key", "user_id"),)


class ExportLog(db.Model):
    """Every CSV/XLSX export: who, when, which filter, how many rows."""

    __tablename__ = "report_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    fmt: Mapped[str] = mapped_column(String(8))  # csv, xlsx
    level: Mapped[str] = mapped_column(String(10))  # unit, trainee
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="SET NULL"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="SET NULL"))
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    rows: Mapped[int] = mapped_column(default=0)


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
