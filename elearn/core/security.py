"""Security headers, safe redirects and the production secret-key check."""
import re
from urllib.parse import unquote, urlsplit

from flask import current_app, request

from ..config import SAMPLE_SECRET_KEYS

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self'; font-src 'none'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


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


def check_secret_key(app) -> None:
    key = app.config.get("SECRET_KEY")
    if app.config.get("ENV") == "production":
        if not key or key in SAMPLE_SECRET_KEYS or len(key) < 32:
            raise RuntimeError(
                "ELEARN_SECRET_KEY is missing, a sample value or shorter than 32 characters; "
                "refusing to start in production. Generate one with: "
                "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
