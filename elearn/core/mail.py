"""Outgoing e-mail over SMTP (ELEARN_MAIL_SERVER / ELEARN_MAIL_PORT), with STARTTLS
(ELEARN_MAIL_USE_TLS) or TLS from the start (ELEARN_MAIL_USE_SSL), and a login
(ELEARN_MAIL_USERNAME / ELEARN_MAIL_PASSWORD) as real providers require.

Without a mail server configured (the demo), messages are written to instance/outbox/*.eml
so that a reset link can still be followed on a machine with no mail set up.

Links in mail come from ``external_url``: always on ELEARN_BASE_URL, never on the Host header of
the request that caused the mail (a forged Host would otherwise receive the reset token).
"""
import logging
import os
import smtplib
import ssl
import tempfile
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import urlsplit

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
        with _connect(cfg) as smtp:
            smtp.send_message(msg)
    except smtplib.SMTPAuthenticationError as exc:
        log.error("mail to %s not sent: the SMTP server %s refused the login of %r (check ELEARN_MAIL_USERNAME "
                  "and ELEARN_MAIL_PASSWORD): %s %s", to, cfg["MAIL_SERVER"], cfg.get("MAIL_USERNAME"),
                  exc.smtp_code, _text(exc.smtp_error))
        raise MailError(f"SMTP login refused ({exc.smtp_code})") from exc
    except smtplib.SMTPNotSupportedError as exc:
        log.error("mail to %s not sent: %s on %s (check ELEARN_MAIL_USE_TLS / ELEARN_MAIL_USE_SSL: many servers "
                  "offer AUTH only after STARTTLS)", to, exc, cfg["MAIL_SERVER"])
        raise MailError(str(exc)) from exc
    except (OSError, smtplib.SMTPException) as exc:  # ssl.SSLError (a bad certificate) is an OSError
        log.warning("mail to %s failed: %s", to, exc)
        raise MailError(str(exc)) from exc
    return msg["Message-ID"]


def _text(value):
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _tls_context(cfg):
    return ssl.create_default_context(cafile=cfg.get("MAIL_CA_FILE") or None)


def _connect(cfg):
    """An SMTP connection, encrypted and logged in as configured. The caller closes it."""
    host, port, timeout = cfg["MAIL_SERVER"], int(cfg["MAIL_PORT"]), cfg["MAIL_TIMEOUT"]
    if cfg.get("MAIL_USE_SSL"):
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=_tls_context(cfg))
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    try:
        if cfg.get("MAIL_USE_TLS") and not cfg.get("MAIL_USE_SSL"):
            smtp.starttls(context=_tls_context(cfg))  # raises SMTPNotSupportedError if not offered
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD") or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def external_url(endpoint: str, **values) -> str:
    """An absolute URL for a link in mail, always on ELEARN_BASE_URL (config BASE_URL)."""
    parts = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
    return adapter.build(endpoint, values, force_external=True)


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
