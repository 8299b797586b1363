"""Workshops: scheduled in-person sessions tied to a course, with sign-up, waitlist, attendance,
calendars and e-mail reminders."""
from flask import Blueprint

bp = Blueprint("workshops", __name__)

from . import views, manage, roster, kind  # noqa: E402,F401
