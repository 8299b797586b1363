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
    UPLOAD_MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # declared size of all entries of an Office file
    UPLOAD_MAX_ZIP_RATIO = 100  # declared size / compressed size, per entry and overall
    UPLOAD_MAX_IMAGE_PIXELS = 50_000_000  # width × height declared in an image header

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
    LOGIN_LIMIT_PER_ACCOUNT = "5 per 10 minutes"  # per (account, IP) pair: a colleague elsewhere is not locked out
    LOGIN_BACKOFF_AFTER = 5  # failures of one account (from anywhere) before each try must wait
    LOGIN_BACKOFF_BASE = 2  # seconds to wait after that many failures, doubling with each further failure
    LOGIN_BACKOFF_CAP = 120  # at most this many seconds between tries of one account
    LOGIN_BACKOFF_WINDOW = 15 * 60  # failures older than this are forgotten
    WORKERS = None  # gunicorn workers (ELEARN_WORKERS); else WEB_CONCURRENCY or gunicorn's -w is read
    PROXY_COUNT = 0  # reverse proxies in front (ELEARN_PROXY_COUNT): trust that many X-Forwarded-For/-Proto
    TRUSTED_HOSTS = None  # production: ELEARN_TRUSTED_HOSTS (comma-separated), else BASE_URL's host
    RESET_LIMIT_PER_IP = "10 per hour"

    MAIL_SERVER = None  # None: write mail to instance/outbox/ (demo); set ELEARN_MAIL_SERVER in production
    MAIL_PORT = 25
    MAIL_DEFAULT_SENDER = "Thư viện học tập <no-reply@localhost>"
    MAIL_TIMEOUT = 10
    MAIL_USE_TLS = False  # STARTTLS on a plain connection (usually port 587)
    MAIL_USE_SSL = False  # TLS from the first byte (usually port 465)
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_CA_FILE = None  # a CA bundle to trust for the mail server (a private CA); default: the system's
    PASSWORD_RESET_MAX_AGE = 3600  # seconds
    INVITATION_MAX_AGE = 7 * 24 * 3600  # seconds: an invitation link is valid 7 days
    PASSWORD_MIN_LENGTH = 8
    PASSWORD_HASH_METHOD = "scrypt"  # werkzeug's default cost (n=2**15)

    BASE_URL = None  # the public address; every link in mail uses it (ELEARN_BASE_URL, required in production)
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
    "TRUSTED_HOSTS": "TRUSTED_HOSTS",
    "PROXY_COUNT": "PROXY_COUNT",
    "WORKERS": "WORKERS",
    "MAIL_USE_TLS": "MAIL_USE_TLS",
    "MAIL_USE_SSL": "MAIL_USE_SSL",
    "MAIL_USERNAME": "MAIL_USERNAME",
    "MAIL_PASSWORD": "MAIL_PASSWORD",
    "MAIL_CA_FILE": "MAIL_CA_FILE",
    "CERT_SIGNER_NAME": "CERTIFICATE_SIGNER_NAME",  # printed under the signature on certificates
    "CERT_SIGNER_TITLE": "CERTIFICATE_SIGNER_TITLE",  # e.g. "Giám đốc"
}
INT_KEYS = {"MAIL_PORT", "MAX_CONTENT_LENGTH", "PROXY_COUNT", "WORKERS"}
BOOL_KEYS = {"MAIL_USE_TLS", "MAIL_USE_SSL"}
LIST_KEYS = {"TRUSTED_HOSTS"}


def from_environ(environ=os.environ):
    out = {}
    for suffix, key in ENV_KEYS.items():
        value = environ.get("ELEARN_" + suffix)
        if value is None or value == "":
            continue
        if key in INT_KEYS:
            value = int(value)
        elif key in BOOL_KEYS:
            value = value.strip().lower() in ("1", "true", "yes", "on")
        elif key in LIST_KEYS:
            value = [part.strip() for part in value.split(",") if part.strip()]
        out[key] = value
    return out
