"""Who may see and change which org units. Pure functions of (user, unit).

Orgs sit below auth (accounts belong to units), so the role values are named here rather than
imported: they are ``elearn.auth.roles.Role.ADMIN`` and ``Role.MANAGER`` (a test keeps them equal).
"""
ADMIN = "admin"
MANAGER = "manager"


def can_manage_orgs(user) -> bool:
    return user.is_authenticated and user.role == ADMIN


def scope_root(user):
    """The unit whose subtree ``user`` may see, or None for everything (admins)."""
    if user.role == ADMIN:
        return None
    return user.org


def sees_subtree(user) -> bool:
    """Whether ``user`` sees the whole subtree of ``scope_root(user)`` (managers), not only that unit."""
    return user.role == MANAGER


def can_view_org(user, org) -> bool:
    if not user.is_authenticated:
        return False
    if user.role == ADMIN:
        return True
    if user.role == MANAGER:
        return org.is_within(user.org)
    return org.id == user.org_id
