"""Who may see and change which org units. Pure functions of (user, unit)."""


def can_manage_orgs(user) -> bool:
    return user.is_authenticated and user.role == "admin"


def scope_root(user):
    """The unit whose subtree ``user`` may see, or None for everything (admins)."""
    if user.role == "admin":
        return None
    return user.org


def can_view_org(user, org) -> bool:
    if not user.is_authenticated:
        return False
    if user.role == "admin":
        return True
    if user.role == "manager":
        return org.is_within(user.org)
    return org.id == user.org_id
