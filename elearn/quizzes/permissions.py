"""Quiz access rules: pure functions."""


def can_take(user, attempt_owner_id: int) -> bool:
    return user.is_authenticated and user.id == attempt_owner_id


def can_grade(user, *, is_staff: bool) -> bool:
    return user.is_authenticated and (user.role == "admin" or (user.role == "instructor" and is_staff))
