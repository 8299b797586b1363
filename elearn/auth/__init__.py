from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import admin_views, views  # noqa: E402,F401
from .permissions import TEMPLATE_HELPERS  # noqa: E402

for _helper in TEMPLATE_HELPERS:
    bp.add_app_template_global(_helper)
