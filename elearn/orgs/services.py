"""Org-unit queries and changes. The one place that scopes queries to a subtree."""
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, literal, select, update

from ..core.csvread import read_rows
from ..core.errors import ServiceError
from ..extensions import db
from .models import OrgUnit
from .permissions import scope_root, sees_subtree

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")


# --- scoping -------------------------------------------------------------------------------

def subtree_ids(unit: OrgUnit):
    """A SELECT of the ids of ``unit`` and every unit below it."""
    return select(OrgUnit.id).where(OrgUnit.path.startswith(unit.path))


def scope_to_viewer(stmt, org_id_column, viewer):
    """Restrict ``stmt`` to rows whose ``org_id_column`` lies in what ``viewer`` may see.

    Admins see everything; managers their unit's subtree; everyone else their own unit.
    Every list of org-owned rows goes through this function, so none can forget the scope.
    """
    root = scope_root(viewer)
    if root is None:
        return stmt
    if sees_subtree(viewer):
        return stmt.where(org_id_column.in_(subtree_ids(root)))
    return stmt.where(org_id_column == root.id)


def visible_units(viewer, *, include_archived: bool = False):
    """Units ``viewer`` may see. Archived units are left out (pickers never offer them) unless asked."""
    stmt = scope_to_viewer(select(OrgUnit), OrgUnit.id, viewer)
    if not include_archived:
        stmt = stmt.where(OrgUnit.archived_at.is_(None))
    return db.session.scalars(stmt.order_by(OrgUnit.path)).all()


def normalize_code(code: str) -> str:
    """Org codes are kept in upper case: "ls-tt" and "LS-TT" are the same unit."""
    return (code or "").strip().upper()


def get_by_code(code: str) -> OrgUnit | None:
    return db.session.scalar(select(OrgUnit).where(OrgUnit.code == normalize_code(code)))


def tree_rows(units):
    """Units ordered as a tree (parents before children, siblings by Vietnamese name)."""
    from ..core.text import vi_collate

    by_parent = {}
    ids = {u.id for u in units}
    for u in units:
        key = u.parent_id if u.parent_id in ids else None
        by_parent.setdefault(key, []).append(u)
    out = []

    def walk(parent_id, level):
        for u in sorted(by_parent.get(parent_id, []), key=lambda x: vi_collate(x.name)):
            out.append((u, level))
            walk(u.id, level + 1)

    walk(None, 0)
    return out


# --- changes ---------------------------------------------------------------------------------

def _validate_code(code: str):
    if not code or not CODE_RE.match(code):
        raise ServiceError(_("Mã đơn vị chỉ gồm chữ không dấu, số, dấu gạch và dài tối đa 40 ký tự."), field="code")


def _validate_name(name: str):
    if not name or not name.strip():
        raise ServiceError(_("Tên đơn vị không được để trống."), field="name")
    if len(name) > 200:
        raise ServiceError(_("Tên đơn vị dài tối đa 200 ký tự."), field="name")


def create_unit(code: str, name: str, parent: OrgUnit | None) -> OrgUnit:
    code = normalize_code(code)
    _validate_code(code)
    _validate_name(name)
    if get_by_code(code):
        raise ServiceError(_("Mã đơn vị %(code)s đã tồn tại.", code=code), field="code")
    unit = OrgUnit(code=code, name=name.strip(), parent=parent, depth=(parent.depth + 1) if parent else 0)
    db.session.add(unit)
    db.session.flush()
    unit.path = (parent.path if parent else "/") + f"{unit.id}/"
    db.session.flush()
    return unit


def archive_unit(unit: OrgUnit) -> int:
    """Archive ``unit`` and its subtree: hidden from pickers; their users stay where they are.
    Returns how many units were archived."""
    from ..core.timeutil import utcnow

    n = db.session.execute(update(OrgUnit).where(OrgUnit.path.startswith(unit.path), OrgUnit.archived_at.is_(None))
                           .values(archived_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    db.session.expire_all()
    return n or 0


def restore_unit(unit: OrgUnit) -> int:
    """Bring ``unit`` and its subtree back; refused while its parent is archived."""
    if unit.parent is not None and unit.parent.archived_at is not None:
        raise ServiceError(_("Đơn vị cấp trên %(name)s đang được lưu trữ; hãy khôi phục đơn vị đó trước.",
                             name=unit.parent.name))
    n = db.session.execute(update(OrgUnit).where(OrgUnit.path.startswith(unit.path), OrgUnit.archived_at.is_not(None))
                           .values(archived_at=None).execution_options(synchronize_session=False)).rowcount
    db.session.expire_all()
    return n or 0


def rename_unit(unit: OrgUnit, name: str) -> None:
    _validate_name(name)
    unit.name = name.strip()
    db.session.flush()


def move_unit(unit: OrgUnit, new_parent: OrgUnit | None) -> None:
    """Move ``unit`` (with its subtree) under ``new_parent``; refused under its own descendant."""
    if new_parent is not None and new_parent.is_within(unit):
        raise ServiceError(_("Không thể chuyển một đơn vị vào chính nó hoặc đơn vị cấp dưới của nó."), field="parent_id")
    old_path, old_depth = unit.path, unit.depth
    new_path = (new_parent.path if new_parent else "/") + f"{unit.id}/"
    if new_path == old_path:
        return
    depth_delta = (new_parent.depth + 1 if new_parent else 0) - old_depth
    db.session.execute(
        update(OrgUnit)
        .where(OrgUnit.path.startswith(old_path))
        .values(path=literal(new_path) + func.substr(OrgUnit.path, len(old_path) + 1),
                depth=OrgUnit.depth + depth_delta)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(update(OrgUnit).where(OrgUnit.id == unit.id).values(parent_id=new_parent.id if new_parent else None))
    db.session.expire_all()


def ancestors(unit: OrgUnit):
    """The chain from the root down to ``unit`` (one query)."""
    ids = [int(x) for x in unit.path.strip("/").split("/") if x]
    units = {u.id: u for u in db.session.scalars(select(OrgUnit).where(OrgUnit.id.in_(ids)))}
    return [units[i] for i in ids if i in units]


def member_counts(root: OrgUnit | None = None) -> dict:
    """{unit_id: active accounts directly in it}, for ``root``'s subtree (all if None).

    Orgs sit below the accounts and do not import them: the layer above that knows both (home)
    answers the ``unit_members_wanted`` signal."""
    from ..core.signals import unit_members_wanted

    counts = {}
    for _receiver, answer in unit_members_wanted.send(root):
        counts.update(answer or {})
    return counts


# --- CSV import --------------------------------------------------------------------------------

@dataclass
class ImportResult:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: int = 0
    errors: list = field(default_factory=list)  # (line, message)


def import_units(data) -> ImportResult:
    """Import ``code,name,parent_code`` rows: all or nothing, with an error per bad row.

    Codes already in the database are updated (renamed and moved); new codes are created.
    Parents may come later in the file. Cycles are refused. Nothing is written when any row is
    bad; the caller commits (or rolls back for a dry run).
    """
    result = ImportResult()
    rows = read_rows(data, ("code", "name", "parent_code"))
    existing = {u.code: u for u in db.session.scalars(select(OrgUnit))}
    seen = {}
    for line, r in rows:
        code, name, parent_code = normalize_code(r["code"]), r["name"], normalize_code(r["parent_code"])
        if not code or not CODE_RE.match(code):
            result.errors.append((line, _("mã đơn vị không hợp lệ: %(code)s", code=code or "∅")))
            continue
        if code in seen:
            result.errors.append((line, _("mã %(code)s lặp lại (đã có ở dòng %(other)s)", code=code, other=seen[code][0])))
            continue
        if not name:
            result.errors.append((line, _("thiếu tên đơn vị")))
        if parent_code == code:
            result.errors.append((line, _("đơn vị không thể là cấp trên của chính nó")))
        seen[code] = (line, name, parent_code)
    # The parent of every code after the import, to check references and cycles.
    parent_of = {c: (u.parent.code if u.parent else "") for c, u in existing.items()}
    for code, (_line, _name, parent_code) in seen.items():
        parent_of[code] = parent_code
    for code, (line, _name, parent_code) in seen.items():
        if parent_code and parent_code not in parent_of:
            result.errors.append((line, _("không có đơn vị cấp trên mã %(code)s", code=parent_code)))
            continue
        walk, steps = code, 0
        while walk and steps <= len(parent_of):
            walk = parent_of.get(walk, "")
            steps += 1
            if walk == code:
                result.errors.append((line, _("quan hệ cấp trên tạo thành vòng lặp")))
                break
    result.errors.sort()
    if result.errors:
        return result

    # Apply parents first, so each row's parent exists when it is placed.
    order, placed = [], set()

    def place(code):
        if code in placed or code not in seen:
            return
        pc = seen[code][2]
        if pc:
            place(pc)
        placed.add(code)
        order.append(code)

    for code in seen:
        place(code)
    units = dict(existing)
    for code in order:
        _line, name, parent_code = seen[code]
        parent = units.get(parent_code) if parent_code else None
        unit = units.get(code)
        if unit is None:
            units[code] = create_unit(code, name, parent)
            result.created.append(code)
            continue
        changed = False
        if unit.name != name:
            rename_unit(unit, name)
            changed = True
        if (unit.parent_id or None) != (parent.id if parent else None):
            move_unit(unit, parent)
            changed = True
        if changed:
            result.updated.append(code)
        else:
            result.unchanged += 1
    return result
