"""Roles are one StrEnum with their labels; only the permission modules look at a user's role."""
import pathlib
import re

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from elearn.auth.roles import ROLES, Role, role_label
from elearn.core.errors import ServiceError

ROOT = pathlib.Path(__file__).resolve().parents[2]

#: Role comparisons written in Python or Jinja: ``x.role == …``, ``x.role in (…)``, ``role != "…"``.
ROLE_TEST = re.compile(r"""\.role\s*(==|!=|\bnot\s+in\b|\bin\b)|\brole\s*(==|!=)\s*["']""")
#: Packages still allowed to compare roles outside a permissions module: none.
PENDING = set()


def test_role_values_are_what_the_database_and_the_org_rules_use(app, make_user, db):
    assert ROLES == ("trainee", "instructor", "manager", "admin")
    from elearn.orgs import permissions as org_rules

    assert (org_rules.ADMIN, org_rules.MANAGER) == (Role.ADMIN, Role.MANAGER)
    with pytest.raises(ServiceError):
        make_user(role="boss")
    user = make_user(role=Role.MANAGER)
    assert user.role == "manager"
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE users SET role = 'boss' WHERE id = :id"), {"id": user.id})
        db.session.flush()
    db.session.rollback()


def test_role_labels_come_from_the_enum_in_both_languages(app):
    with app.test_request_context():
        assert [role_label(r) for r in ROLES] == ["Học viên", "Giảng viên", "Quản lý", "Quản trị"]
        assert role_label("boss") == "boss"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        from flask_babel import force_locale

        with force_locale("en"):
            assert Role.MANAGER.label == "Manager" or str(Role.MANAGER.label) != "Quản lý"


def _offenders():
    found = []
    for path in sorted((ROOT / "elearn").rglob("*.py")):
        rel = path.relative_to(ROOT / "elearn")
        if path.name in ("permissions.py", "roles.py") or rel.parts[0] in PENDING:
            continue
        found += [f"{rel}:{n}" for n, line in enumerate(path.read_text().splitlines(), 1) if ROLE_TEST.search(line)]
    for path in sorted((ROOT / "templates").rglob("*.html")):
        rel = path.relative_to(ROOT)
        found += [f"{rel}:{n}" for n, line in enumerate(path.read_text().splitlines(), 1) if ROLE_TEST.search(line)]
    return found


def test_no_role_comparisons_outside_the_permission_modules():
    assert _offenders() == []


def test_the_scan_would_see_a_comparison():
    assert ROLE_TEST.search('if current_user.role == "manager":')
    assert ROLE_TEST.search('{% if current_user.role in ("manager", "admin") %}')
    assert ROLE_TEST.search("stmt.where(User.role != 'trainee')")
    assert not ROLE_TEST.search("role=role_label(user.role), org=user.org.name")


def test_templates_ask_named_requirements(client, auth, make_user, make_org):
    """The workshops list offers the approvals page to managers (``can_approve``), not to trainees."""
    org = make_org()
    make_user(role="manager", org=org, email="ql@example.vn")
    make_user(role="trainee", org=org, email="hv@example.vn")
    auth.login("ql@example.vn")
    assert "Duyệt đăng ký" in client.get("/workshops/").get_data(as_text=True)
    auth.logout()
    auth.login("hv@example.vn")
    assert "Duyệt đăng ký" not in client.get("/workshops/").get_data(as_text=True)


def test_named_requirements_per_role(app, make_user):
    from flask_login import AnonymousUserMixin

    from elearn.auth import permissions as p

    table = {}
    for role in ROLES:
        user = make_user(role=role)
        table[role] = [name for name in ("is_admin", "is_learner", "oversees_units", "teaches", "can_author",
                                         "can_oversee_or_admin", "is_staff_member") if getattr(p, name)(user)]
    assert table == {
        "trainee": ["is_learner"],
        "instructor": ["teaches", "can_author", "is_staff_member"],
        "manager": ["oversees_units", "can_oversee_or_admin", "is_staff_member"],
        "admin": ["is_admin", "can_author", "can_oversee_or_admin", "is_staff_member"],
    }
    anonymous = AnonymousUserMixin()
    assert not any(getattr(p, name)(anonymous) for name in ("is_admin", "is_learner", "is_staff_member"))
