"""What each role's home page shows. Fixed number of queries, whatever the tree's size."""
from sqlalchemy import func, select

from ..auth.models import User
from ..core.signals import unit_members_wanted
from ..extensions import db
from ..orgs.models import OrgUnit
from ..orgs.services import subtree_ids, tree_rows


@unit_members_wanted.connect
def user_counts_by_unit(root: OrgUnit | None):
    """{unit_id: number of active users directly in it}, for ``root``'s subtree (all if None).
    Also the answer to ``unit_members_wanted`` (the org tree page: orgs do not import accounts)."""
    stmt = select(User.org_id, func.count(User.id)).where(User.active.is_(True)).group_by(User.org_id)
    if root is not None:
        stmt = stmt.where(User.org_id.in_(subtree_ids(root)))
    return dict(db.session.execute(stmt).all())


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


def usage_figures(root: OrgUnit | None, now=None):
    """Active accounts in ``root``'s subtree (everything for None) by when they were last seen
    (a request while signed in, ``User.last_seen_at``): within the last 5 minutes ("signed in
    now"), today, this month (Việt Nam time) and ever. One query."""
    from datetime import timedelta

    from sqlalchemy import case

    from ..core.timeutil import local_midnight_utc, to_local, utcnow

    now = now or utcnow()
    local = to_local(now)
    day = local_midnight_utc(local.date())
    month = local_midnight_utc(local.date().replace(day=1))
    seen = User.last_seen_at

    def since(t):
        return func.sum(case((seen >= t, 1), else_=0))

    stmt = select(since(now - timedelta(minutes=5)), since(day), since(month),
                  func.count(seen)).where(User.active.is_(True))
    if root is not None:
        stmt = stmt.where(User.org_id.in_(subtree_ids(root)))
    now5, today, this_month, total = db.session.execute(stmt).one()
    return {"now": now5 or 0, "today": today or 0, "month": this_month or 0, "total": total or 0}


def pending_approvals(viewer) -> int:
    """Workshop sign-up requests waiting for a decision, from trainees in ``viewer``'s scope."""
    from ..orgs.services import scope_to_viewer
    from ..workshops.models import Registration

    stmt = scope_to_viewer(select(func.count(Registration.id)).join(User, Registration.user_id == User.id)
                           .where(Registration.status == "requested"), User.org_id, viewer)
    return db.session.scalar(stmt) or 0


def needs_action(viewer, unit: OrgUnit, courses, lowest: int = 3):
    """Per course: the child units of ``unit`` with the lowest completion (those with trainees),
    and how many trainees are overdue. A fixed number of queries per course."""
    from ..reports import services as reports

    out = []
    for course in courses:
        rep = reports.completion_report(course, unit)
        rows = [r for r in rep.rows if r.enrolled]
        rows.sort(key=lambda r: (r.completion_rate, r.unit_name))
        out.append({"course": course, "lowest": rows[:lowest], "overdue": rep.total.overdue,
                    "total": rep.total})
    return out
