"""The app's signals (blinker, as Flask uses; docs/ARCHITECTURE.md, "Signals").

A feature tells the layers above it that something happened without importing them: quizzes and
workshops say a trainee's facts changed, and progress, which subscribes, refreshes its rows in the
same transaction. Receivers are connected when their package is imported (by ``create_app``).
"""
from blinker import Namespace

_signals = Namespace()

#: A trainee's raw facts in a course changed (an event, an attempt graded, attendance marked…).
#: sender: the course id; keyword ``user_id`` (one trainee) or ``user_ids`` (several); ``now``;
#: ``reopened``: an activity id, when the only new fact is that the trainee opened it again.
#: Progress recomputes those trainees' rows in the current transaction.
facts_changed = _signals.signal("facts-changed")

#: A course's content or completion rules changed (import, module rules edited): every trainee's
#: rows follow. sender: the course id.
course_rules_changed = _signals.signal("course-rules-changed")

#: An activity's content changed (an edit, an import): caches keyed by the course's content version
#: drop it. sender: the course id.
content_changed = _signals.signal("content-changed")


#: The org tree page asks how many active accounts each unit holds. Orgs sit below auth, so the
#: answer comes from above: home answers. sender: the root unit (None: every unit); each receiver
#: returns {unit_id: count}.
unit_members_wanted = _signals.signal("unit-members-wanted")


def tell_facts_changed(course_id: int, user_id: int, now=None, reopened: int | None = None):
    """Send ``facts_changed`` for one trainee; returns what progress returned (their course row).
    ``reopened``: the new fact is only that the trainee opened this activity (id) again."""
    results = facts_changed.send(course_id, user_id=user_id, now=now, reopened=reopened)
    return next((value for _receiver, value in results if value is not None), None)
