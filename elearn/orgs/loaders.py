"""The orgs package's loaders (docs/ARCHITECTURE.md, "Loaders"): the unit an admin page names.
Who may use the org pages at all is the blueprint's own check (``views._admins_only``), which runs
before any loader."""
from ..extensions import db
from .models import OrgUnit


def load_org_unit(unit_id: int) -> OrgUnit:
    """The unit ``unit_id``, archived or not; 404 when there is none."""
    return db.get_or_404(OrgUnit, unit_id)
