"""Report tables: the export audit log. (The users' name sort keys are ``auth.models.UserNameKey``.)"""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.timeutil import utcnow
from ..extensions import db


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
