"""Outgoing e-mail over plain SMTP (ELEARN_MAIL_SERVER / ELEARN_MAIL_PORT).

Without a mail server configured (the demo), messages are written to instance/outbox/*.eml
so that a reset link can still be followed on a machine with no mail set up.
"""
import logging
import os
import smtplib
import tempfile
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app

log = logging.getLogger("elearn.mail")


class MailError(Exception):
    pass


def send_mail(to: str, subject: str, body: str, attachments=()) -> str:
    """Send one message; return its Message-ID. Raises MailError if the server cannot take it."""
    cfg = current_app.config
    msg = EmailMessage()
    msg["From"] = cfg["MAIL_DEFAULT_SENDER"]
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="elearn.local")
    msg.set_content(body)
    for filename, content_type, data in attachments:
        maintype, subtype = content_type.split("/", 1)
        params = {"charset": "utf-8"} if maintype == "text" else None  # Vietnamese text in .ics files
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename, params=params)
    if not cfg.get("MAIL_SERVER"):
        return _to_outbox(msg)
    try:
        with smtplib.SMTP(cfg["MAIL_SERVER"], int(cfg["MAIL_PORT"]), timeout=cfg["MAIL_TIMEOUT"]) as smtp:
            smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("mail to %s failed: %s", to, exc)
        raise MailError(str(exc)) from exc
    return msg["Message-ID"]


def _to_outbox(msg: EmailMessage) -> str:
    outbox = os.path.join(current_app.instance_path, "outbox")
    os.makedirs(outbox, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=outbox, suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        fh.write(msg.as_bytes())
    final = tmp[:-4] + ".eml"
    os.replace(tmp, final)
    log.warning("no ELEARN_MAIL_SERVER: mail to %s written to %s", msg["To"], final)
    return msg["Message-ID"]
