"""Mail that real providers accept: STARTTLS or TLS from the start, and a login, against a real
aiosmtpd server on loopback with a self-signed certificate made here."""
import datetime
import ipaddress
import logging
import socket
import ssl
import threading

import pytest

from elearn.config import from_environ
from elearn.core.mail import MailError, send_mail
from tests.workshops.conftest import ws_setup  # noqa: F401

USER, PASSWORD = "thuvien@example.vn", "mat-khau-smtp-Q7"
# The TLS-from-the-start server: aiosmtpd's own warning is about STARTTLS, which it does not use.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


@pytest.fixture(scope="module")
def cert_files(tmp_path_factory):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    folder = tmp_path_factory.mktemp("tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_path), str(key_path)


def _free_port():
    """A free port in this helper's range (5500-5599)."""
    for port in range(5560, 5600):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.skip("no free port in 5560-5599")


class Sink:
    def __init__(self):
        self.messages = []
        self.sessions = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(envelope.content)
            tls = server.transport.get_extra_info("ssl_object") is not None  # STARTTLS or TLS from the start
            self.sessions.append({"tls": tls, "user": session.auth_data})
        return "250 OK"


def _authenticator(server, session, envelope, mechanism, auth_data):
    from aiosmtpd.smtp import AuthResult

    ok = auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
    if not ok:
        return AuthResult(success=False, handled=False)  # aiosmtpd answers 535
    return AuthResult(success=True, auth_data=auth_data.login.decode())


@pytest.fixture
def smtp_tls(cert_files):
    """Either server: ``start("starttls")`` (port 587 style) or ``start("ssl")`` (port 465 style)."""
    from aiosmtpd.controller import Controller

    controllers = []

    def start(mode):
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(*cert_files)
        sink, port = Sink(), _free_port()
        common = dict(hostname="127.0.0.1", port=port, authenticator=_authenticator, auth_required=True)
        if mode == "ssl":
            # The whole connection is TLS; aiosmtpd's auth_require_tls only knows about STARTTLS.
            controller = Controller(sink, ssl_context=ctx, server_hostname="localhost", auth_require_tls=False,
                                    **common)
        else:
            controller = Controller(sink, tls_context=ctx, require_starttls=True, auth_require_tls=True, **common)
        controller.start()
        controllers.append(controller)
        sink.port = port
        return sink

    yield start
    for c in controllers:
        c.stop()


def _mail_app(make_app, cert_files, sink, **extra):
    cfg = dict(MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port, MAIL_USERNAME=USER, MAIL_PASSWORD=PASSWORD,
               MAIL_CA_FILE=cert_files[0], MAIL_TIMEOUT=5)
    cfg.update(extra)
    return make_app(**cfg)


def test_starttls_and_login(make_app, cert_files, smtp_tls):
    sink = smtp_tls("starttls")
    app = _mail_app(make_app, cert_files, sink, MAIL_USE_TLS=True)
    with app.app_context():
        send_mail("hoc-vien@example.vn", "Thử thư", "Xin chào")
    assert len(sink.messages) == 1
    assert sink.sessions == [{"tls": True, "user": USER}]
    assert b"Xin ch" in sink.messages[0]


def test_ssl_from_the_first_byte_and_login(make_app, cert_files, smtp_tls):
    sink = smtp_tls("ssl")
    app = _mail_app(make_app, cert_files, sink, MAIL_USE_SSL=True, MAIL_PORT=sink.port)
    with app.app_context():
        send_mail("hoc-vien@example.vn", "Thử thư", "Xin chào")
    assert sink.sessions == [{"tls": True, "user": USER}]


def test_a_provider_that_requires_starttls_refuses_plain_mail(make_app, cert_files, smtp_tls, caplog):
    sink = smtp_tls("starttls")
    app = _mail_app(make_app, cert_files, sink)  # MAIL_USE_TLS off: the login would go in clear text
    with app.app_context(), pytest.raises(MailError):
        send_mail("hoc-vien@example.vn", "Thử thư", "Xin chào")
    assert sink.messages == []
    assert PASSWORD not in caplog.text


def test_the_server_certificate_is_verified(make_app, cert_files, smtp_tls):
    sink = smtp_tls("starttls")
    app = _mail_app(make_app, cert_files, sink, MAIL_USE_TLS=True, MAIL_CA_FILE=None)  # system CAs only
    with app.app_context(), pytest.raises(MailError, match="CERTIFICATE_VERIFY_FAILED|certificate verify failed"):
        send_mail("hoc-vien@example.vn", "Thử thư", "Xin chào")
    assert sink.messages == []


def test_wrong_password_is_logged_clearly_and_the_reminder_stays_queued(app, db, ws_setup, cert_files,  # noqa: F811
                                                                          smtp_tls, caplog):
    from sqlalchemy import select

    from elearn.workshops import reminders, services
    from elearn.workshops.models import Reminder

    sink = smtp_tls("starttls")
    services.sign_up(ws_setup["trainees"][0], ws_setup["ws"].id)
    db.session.commit()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port, MAIL_USE_TLS=True, MAIL_USERNAME=USER,
                      MAIL_PASSWORD="sai-mat-khau", MAIL_CA_FILE=cert_files[0], MAIL_TIMEOUT=5)
    with caplog.at_level(logging.ERROR, logger="elearn.mail"):
        stats = reminders.send_due()
    assert stats == {"sent": 0, "failed": 1}
    rem = db.session.scalar(select(Reminder))
    assert rem.status == "pending" and rem.attempts == 1 and "login refused" in rem.last_error
    errors = [r.getMessage() for r in caplog.records if r.name == "elearn.mail" and r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert "refused the login" in errors[0] and USER in errors[0] and "ELEARN_MAIL_PASSWORD" in errors[0]
    assert "sai-mat-khau" not in caplog.text
    # With the right password the next cron run delivers it.
    app.config["MAIL_PASSWORD"] = PASSWORD
    assert reminders.send_due(now=rem.next_try_at + datetime.timedelta(seconds=1)) == {"sent": 1, "failed": 0}
    db.session.refresh(rem)
    assert rem.status == "sent" and len(sink.messages) == 1 and sink.sessions[0]["tls"]


def test_mail_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("ELEARN_MAIL_USE_TLS", "true")
    monkeypatch.setenv("ELEARN_MAIL_USE_SSL", "0")
    monkeypatch.setenv("ELEARN_MAIL_USERNAME", USER)
    monkeypatch.setenv("ELEARN_MAIL_PASSWORD", PASSWORD)
    monkeypatch.setenv("ELEARN_MAIL_PORT", "587")
    cfg = from_environ()
    assert cfg["MAIL_USE_TLS"] is True and cfg["MAIL_USE_SSL"] is False
    assert cfg["MAIL_USERNAME"] == USER and cfg["MAIL_PASSWORD"] == PASSWORD and cfg["MAIL_PORT"] == 587
