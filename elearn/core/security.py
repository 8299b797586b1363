"""Security headers, safe redirects and the production start-up checks."""
import logging
import math
import os
import re
import shlex
import sys
from collections import Counter
from urllib.parse import unquote, urlsplit

from flask import current_app, request

from ..config import SAMPLE_SECRET_KEYS

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self'; font-src 'none'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Served files (uploads): no scripts, no plugins, never framed, sandboxed if opened in a tab.
DOWNLOAD_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox"
MIN_SECRET_BITS = 128
DEFAULT_BASE_URL = "http://127.0.0.1:5000"

log = logging.getLogger("elearn.config")


def set_security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers.setdefault("Permissions-Policy", "camera=(self), geolocation=(), microphone=()")
    if current_app.config.get("ENV") == "production":
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    # Pages carry per-user data and CSRF tokens: never let a shared cache keep them.
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def is_safe_next(target: str | None) -> bool:
    """True only for a local absolute path such as ``/courses/3?tab=1``.

    Refused: anything with a scheme or host (``http://x``, ``javascript:``), protocol-relative
    ``//evil``, backslash tricks (``/\\evil``) and the percent-encoded forms of all of these.
    """
    if not target or not isinstance(target, str):
        return False
    # Decode repeatedly so that %2F%2F and %252F%252F are judged like //.
    decoded = target
    for _ in range(3):
        nxt = unquote(decoded)
        if nxt == decoded:
            break
        decoded = nxt
    for candidate in (target, decoded):
        if _CONTROL.search(candidate) or "\\" in candidate:
            return False
        if not candidate.startswith("/") or candidate.startswith("//"):
            return False
        parts = urlsplit(candidate)
        if parts.scheme or parts.netloc:
            return False
    return True


def safe_next(default: str) -> str:
    target = request.values.get("next")
    return target if is_safe_next(target) else default


def estimated_entropy_bits(key: str) -> float:
    """A pessimistic estimate of the entropy of ``key``, in bits.

    The empirical per-character entropy of the key and of the steps between neighbouring
    characters, times the length: "aaaa…" (0), "abcabc…" (1.6 bits a character) and runs such as
    "abcdef…012345" (the steps are all 1) come out low; a random key comes out near its real size.
    """
    if not key:
        return 0.0

    def shannon(items):
        counts = Counter(items)
        n = len(items)
        return -sum(c / n * math.log2(c / n) for c in counts.values())

    per_char = shannon(key)
    if len(key) > 1:
        per_char = min(per_char, shannon([ord(b) - ord(a) for a, b in zip(key, key[1:])]))
    bits = per_char * len(key)
    period = _period(key)
    if period:  # "Password1Password1…": only the repeated unit is secret
        bits = min(bits, shannon(key[:period]) * period)
    return bits


def _period(key: str) -> int | None:
    """The shortest p ≤ len/2 such that the key (nearly) repeats itself every p characters."""
    n = len(key)
    for p in range(1, min(n // 2, 512) + 1):
        same = sum(key[i] == key[i + p] for i in range(n - p))
        if same >= 0.9 * (n - p):
            return p
    return None


def check_secret_key(app) -> None:
    key = app.config.get("SECRET_KEY")
    if app.config.get("ENV") == "production":
        if not key or key in SAMPLE_SECRET_KEYS or len(key) < 32:
            raise RuntimeError(
                "ELEARN_SECRET_KEY is missing, a sample value or shorter than 32 characters; "
                "refusing to start in production. Generate one with: "
                "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        bits = estimated_entropy_bits(key)
        if bits < MIN_SECRET_BITS:
            raise RuntimeError(
                f"ELEARN_SECRET_KEY has too little entropy (about {bits:.0f} bits, at least {MIN_SECRET_BITS} "
                "needed: repeated or sequential characters); refusing to start in production. Generate one "
                "with: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )


def check_base_url(app) -> None:
    """Every link in mail is built from BASE_URL, never from the request's Host header.

    Production refuses to start without it: reset links and cron reminders would otherwise point at
    127.0.0.1. It also gives TRUSTED_HOSTS its default (the host of BASE_URL).
    """
    base = app.config.get("BASE_URL")
    production = app.config.get("ENV") == "production"
    if not base:
        if production:
            raise RuntimeError(
                "ELEARN_BASE_URL is not set; refusing to start in production: links in mail (password "
                "resets, invitations, reminders) would point at 127.0.0.1. Set it to the public address, "
                "e.g. ELEARN_BASE_URL=https://hoctap.thuvienlangson.vn"
            )
        base = DEFAULT_BASE_URL
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RuntimeError(f"ELEARN_BASE_URL must be an http(s) address such as https://hoctap.example.vn, not {base!r}")
    app.config["BASE_URL"] = base.rstrip("/")
    if production and not app.config.get("TRUSTED_HOSTS"):
        app.config["TRUSTED_HOSTS"] = [parts.hostname]


def gunicorn_workers(environ=os.environ, argv=None) -> int | None:
    """The number of gunicorn workers, from WEB_CONCURRENCY, GUNICORN_CMD_ARGS or gunicorn's -w."""
    argv = sys.argv if argv is None else argv
    candidates = []
    if argv and os.path.basename(argv[0]).startswith("gunicorn"):
        candidates.append(list(argv[1:]))
    if environ.get("GUNICORN_CMD_ARGS"):
        candidates.append(shlex.split(environ["GUNICORN_CMD_ARGS"]))
    for args in candidates:
        for i, arg in enumerate(args):
            value = None
            if arg in ("-w", "--workers") and i + 1 < len(args):
                value = args[i + 1]
            elif arg.startswith("--workers="):
                value = arg.split("=", 1)[1]
            elif arg.startswith("-w") and len(arg) > 2:
                value = arg[2:]
            if value and value.isdigit():
                return int(value)
    if (environ.get("WEB_CONCURRENCY") or "").isdigit():
        return int(environ["WEB_CONCURRENCY"])
    return None


def check_rate_limit_store(app, environ=os.environ, argv=None) -> None:
    """Rate limits and login throttling only hold across workers when they share Redis."""
    if app.config.get("ENV") != "production" or app.config.get("REDIS_URL"):
        return
    storage = app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
    if not storage.startswith("memory://"):
        return
    workers = app.config.get("WORKERS") or gunicorn_workers(environ, argv)
    if workers and int(workers) > 1:
        raise RuntimeError(
            f"{workers} workers without ELEARN_REDIS_URL: each worker would keep its own login throttling "
            f"and rate limits, so an attacker gets them {workers} times over. Set ELEARN_REDIS_URL "
            "(e.g. redis://127.0.0.1:6379/0) or run one worker; refusing to start in production."
        )
    log.warning(
        "ELEARN_REDIS_URL is not set: login throttling and rate limits are kept in this process only "
        "(per worker). That is right for exactly one worker; with more, set ELEARN_REDIS_URL "
        "(ELEARN_WORKERS or WEB_CONCURRENCY tells the app how many workers run)."
    )
