"""Reports for managers: completion over the org tree (drill-down to a trainee), CSV/XLSX exports
with an audit log, server-drawn SVG charts and the annual review. Reads the precomputed progress
rows only, never raw attempts or events."""
from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports", static_folder="static")

from . import models  # noqa: E402,F401  (the name-key listeners must be registered)
from . import views  # noqa: E402,F401
