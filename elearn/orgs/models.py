from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..extensions import db


class OrgUnit(db.Model):
    """A node of the organisation tree (province library → district → commune / reading point).

    ``path`` is a materialized path of ids, ``/1/5/12/``: a unit's subtree is every row whose path
    starts with the unit's path, one indexed prefix scan on SQLite and PostgreSQL alike.
    """

    __tablename__ = "org_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="RESTRICT"), index=True)
    path: Mapped[str] = mapped_column(String(400), default="")
    depth: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Archived units are hidden from pickers; their users stay where they are.
    archived_at: Mapped[datetime | None]

    parent: Mapped["OrgUnit | None"] = relationship(remote_side=[id], lazy="joined", innerjoin=False)

    __table_args__ = (
        Index("ix_org_units_path", "path", postgresql_ops={"path": "text_pattern_ops"}),
    )

    def is_within(self, other: "OrgUnit") -> bool:
        """True when this unit is ``other`` or below it."""
        return self.path.startswith(other.path)

    def __repr__(self):
        return f"<OrgUnit {self.code}>"


