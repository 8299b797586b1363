"""Login throttling on the shared limiter store (Redis when ELEARN_REDIS_URL is set).

Failed attempts are counted per IP and per account; a success does not count. Both checks run
before the password is looked at, so a locked account answers the same whether it exists or not.
"""
from flask import current_app
from limits import parse

from ..extensions import limiter


def _limits():
    cfg = current_app.config
    return (("login-ip", parse(cfg["LOGIN_LIMIT_PER_IP"])), ("login-acct", parse(cfg["LOGIN_LIMIT_PER_ACCOUNT"])))


def _keys(ip, account):
    return {"login-ip": ip or "?", "login-acct": (account or "").strip().lower()}


def login_blocked(ip: str, account: str) -> bool:
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return False
    keys = _keys(ip, account)
    return any(not limiter.limiter.test(item, name, keys[name]) for name, item in _limits())


def login_failed(ip: str, account: str) -> None:
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    keys = _keys(ip, account)
    for name, item in _limits():
        limiter.limiter.hit(item, name, keys[name])


def hit_limit(name: str, key: str, limit: str) -> bool:
    """Count one event under ``name``/``key``; False when ``limit`` is already used up."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return True
    return limiter.limiter.hit(parse(limit), name, key or "?")
