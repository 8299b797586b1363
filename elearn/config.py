"""Configuration defaults.

Order of precedence: these defaults, then instance/config.py, then ELEARN_* environment
variables, then the ``test_config`` passed to ``create_app``.
"""
import os

SAMPLE_SECRET_KEYS = {"", "dev", "change-me", "changeme", "secret", "CHANGE-ME-TO-A-LONG-RANDOM-STRING"}


class Defaults:
    ENV = "development"  # "production" turns on Secure cookies and the secret-key check
    SECRET_KEY = None
    SQLALCHEMY_DATABASE_URI = None  # default: sqlite:///<instance>/elearn.sqlite
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLALCHEMY_RECORD_QUERIES = False
    MAX_CONTENT_LENGTH = 50 * 1024 * 1024  # 50 MB: the largest upload (a short MP4)
    UPLOAD_MAX_BYTES = 40 * 1024 * 1024

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "elearn_session"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = 14 * 24 * 3600

    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead: forms left open on a phone still post
    WTF_CSRF_SSL_STRICT = True

    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")

    REDIS_URL = None  # shared rate-limit store for several gunicorn workers
    RATELIMIT_STORAGE_URI = None
    RATELIMIT_HEADERS_ENABLED = False
    LOGIN_LIMIT_PER_IP = "30 per 10 minutes"
    LOGIN_LIMIT_PER_ACCOUNT = "5 per 10 minutes"
    RESET_LIMIT_PER_IP = "10 per hour"

    MAIL_SERVER = None  # None: write mail to instance/outbox/ (demo); set ELEARN_MAIL_SERVER in production
    MAIL_PORT = 25
    MAIL_DEFAULT_SENDER = "Thư viện học tập <no-reply@localhost>"
    MAIL_TIMEOUT = 10
    PASSWORD_RESET_MAX_AGE = 3600  # seconds
    PASSWORD_MIN_LENGTH = 8
    PASSWORD_HASH_METHOD = "scrypt"  # werkzeug's default cost (n=2**15)

    BASE_URL = "http://127.0.0.1:5000"  # for links in mail sent from cron (ELEARN_BASE_URL)
    CERTIFICATE_SIGNER_NAME = ""
    CERTIFICATE_SIGNER_TITLE = "Giám đốc"

    PAGE_SIZE = 25
    SITE_NAME = "Thư viện học tập"


# ELEARN_<NAME> environment variables map onto these keys.
ENV_KEYS = {
    "ENV": "ENV",
    "SECRET_KEY": "SECRET_KEY",
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "REDIS_URL": "REDIS_URL",
    "MAIL_SERVER": "MAIL_SERVER",
    "MAIL_PORT": "MAIL_PORT",
    "MAIL_DEFAULT_SENDER": "MAIL_DEFAULT_SENDER",
    "MAX_CONTENT_LENGTH": "MAX_CONTENT_LENGTH",
    "BASE_URL": "BASE_URL",
    "CERT_SIGNER_NAME": "CERTIFICATE_SIGNER_NAME",  # printed under the signature on certificates
    "CERT_SIGNER_TITLE": "CERTIFICATE_SIGNER_TITLE",  # e.g. "Giám đốc"
}
INT_KEYS = {"MAIL_PORT", "MAX_CONTENT_LENGTH"}


def from_environ(environ=os.environ):
    out = {}
    for suffix, key in ENV_KEYS.items():
        value = environ.get("ELEARN_" + suffix)
        if value is None or value == "":
            continue
        out[key] = int(value) if key in INT_KEYS else value
    return out
