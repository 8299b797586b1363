"""The four roles, and their labels, in one place.

``User.role`` stores the value (a plain string in the database, checked by a constraint); a
``Role`` compares equal to it. Who may do what is decided only in the ``permissions`` modules
(``elearn/*/permissions.py``), never by comparing roles in views, the API or templates.
"""
from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Role(StrEnum):
    TRAINEE = "trainee"
    INSTRUCTOR = "instructor"
    MANAGER = "manager"
    ADMIN = "admin"

    @property
    def label(self):
        return _LABELS[self]


_LABELS = {
    Role.TRAINEE: _l("Học viên"),
    Role.INSTRUCTOR: _l("Giảng viên"),
    Role.MANAGER: _l("Quản lý"),
    Role.ADMIN: _l("Quản trị"),
}

#: Every role value, in the order pickers and counts show them.
ROLES = tuple(r.value for r in Role)


def role_label(role) -> str:
    """The label of a role value; an unknown value is shown as it is."""
    try:
        return str(Role(role).label)
    except ValueError:
        return role
