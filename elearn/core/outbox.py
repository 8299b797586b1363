"""Sending an e-mail outbox table (workshop reminders, discussion mail): one mechanism.

A row is queued with a unique key in the transaction of the event that causes it. ``send_due``
(run by cron every few minutes) claims each due row with one conditional UPDATE before sending, so
two crons never send the same row and a row goes out once however often cron runs. A failed send
stays pending and is retried later with a growing delay, up to ``max_attempts``; a worker killed
mid-send leaves a claim that expires after ``claim_timeout``, and the row is sent again then (at
least once, never lost). The table needs the columns ``status`` (pending, sending, sent, dropped),
``next_try_at``, ``claimed_at``, ``attempts``, ``last_error`` and ``sent_at``.
"""
from datetime import timedelta

from sqlalchemy import or_, select, update

from ..extensions import db
from .mail import MailError, send_mail
from .timeutil import utcnow

CLAIM_TIMEOUT = timedelta(minutes=10)
MAX_ATTEMPTS = 12


def claim(model, row_id, now, claim_timeout=CLAIM_TIMEOUT) -> bool:
    """Take the row for this run: True once; False while another run holds an unexpired claim."""
    return db.session.execute(
        update(model).where(model.id == row_id, or_(
            model.status == "pending",
            (model.status == "sending") & (model.claimed_at < now - claim_timeout)))
        .values(status="sending", claimed_at=now).execution_options(synchronize_session=False)
    ).rowcount == 1


def send_due(model, compose, now=None, *, claim_timeout=CLAIM_TIMEOUT, max_attempts=MAX_ATTEMPTS) -> dict:
    """Send every due row of ``model``. ``compose(row)`` returns ``(to, subject, body, attachments)``,
    or None when the row must not be sent any more (it is dropped). Commits after each row."""
    now = now or utcnow()
    stats = {"sent": 0, "failed": 0, "dropped": 0}
    due = db.session.scalars(select(model.id).where(or_(
        (model.status == "pending") & (model.next_try_at <= now),
        (model.status == "sending") & (model.claimed_at < now - claim_timeout),
    )).order_by(model.id)).all()
    db.session.commit()
    for row_id in due:
        if not claim(model, row_id, now, claim_timeout):
            db.session.rollback()
            continue
        db.session.commit()
        row = db.session.get(model, row_id)
        try:
            mail = compose(row)
            if mail is None:
                row.status = "dropped"
                stats["dropped"] += 1
                db.session.commit()
                continue
            send_mail(*mail)
        except MailError as exc:
            row.attempts += 1
            row.last_error = str(exc)[:500]
            row.status = "dropped" if row.attempts >= max_attempts else "pending"
            row.next_try_at = now + timedelta(minutes=5 * 2 ** min(row.attempts, 8))
            stats["failed"] += 1
        else:
            row.status, row.sent_at, row.attempts = "sent", utcnow(), row.attempts + 1
            stats["sent"] += 1
        db.session.commit()
    return stats
