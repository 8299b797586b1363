"""Progress: precomputed rows per (user, activity / module / course), completion rules,
the trainee dashboard's data, and certificates."""
from flask import Blueprint

bp = Blueprint("progress", __name__)

from . import views  # noqa: E402,F401
