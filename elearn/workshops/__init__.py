"""Workshops: scheduled in-person sessions tied to a course, with sign-up, waitlist, attendance,
calendars and e-mail reminders."""
from flask import Blueprint

bp = Blueprint("workshops", __name__)

from . import views, manage, roster, kind  # noqa: E402,F401
from .permissions import TEMPLATE_HELPERS  # noqa: E402
from .states import AttendanceStatus, state_label, workshop_status_label  # noqa: E402

for _helper in (*TEMPLATE_HELPERS, state_label, workshop_status_label):
    bp.add_app_template_global(_helper)
bp.add_app_template_global(tuple(AttendanceStatus), "attendance_states")
