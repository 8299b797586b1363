"""What each role's home page shows. Fixed number of queries, whatever the tree's size."""
from sqlalchemy import func, select

from ..auth.models import User
from ..extensions import db
from ..orgs.models import OrgUnit
from ..orgs.services import subtree_ids, tree_rows, user_counts_by_unit


def ancestors(unit: OrgUnit):
    """The chain from the root down to ``unit`` (one query)."""
    ids = [int(x) for x in unit.path.strip("/").split("/") if x]
    units = {u.id: u for u in db.session.scalars(select(OrgUnit).where(OrgUnit.id.in_(ids)))}
    return [units[i] for i in ids if i in units]


def subtree_summary(root: OrgUnit | None):
    """Rows of (unit, level, direct users, users in subtree) for ``root``'s subtree."""
    stmt = select(OrgUnit)
    if root is not None:
        stmt = stmt.where(OrgUnit.id.in_(subtree_ids(root)))
    units = db.session.scalars(stmt).all()
    direct = user_counts_by_unit(root)
    rows = tree_rows(units)
    totals = {}
    for unit in units:
        for anc in unit.path.strip("/").split("/"):
            totals[int(anc)] = totals.get(int(anc), 0) + direct.get(unit.id, 0)
    return [(u, level, direct.get(u.id, 0), totals.get(u.id, 0)) for u, level in rows]


def counts_by_role(root: OrgUnit | None):
    stmt = select(User.role, func.count(User.id)).where(User.active.is_(True)).group_by(User.role)
    if root is not None:
        stmt = stmt.where(User.org_id.in_(subtree_ids(root)))
    return dict(db.session.execute(stmt).all())


def colleagues_count(unit: OrgUnit) -> int:
    return db.session.scalar(select(func.count(User.id)).where(User.org_id == unit.id, User.active.is_(True)))
