"""Login throttling on the shared limiter store (Redis when ELEARN_REDIS_URL is set).

Following OWASP, a run of wrong passwords must not let anyone lock a colleague out:

- per (account, IP) pair: LOGIN_LIMIT_PER_ACCOUNT failures in its window, then that pair waits;
- per IP: LOGIN_LIMIT_PER_IP failures over all accounts (one address guessing many accounts);
- per account, from anywhere: after LOGIN_BACKOFF_AFTER failures each further try must wait
  LOGIN_BACKOFF_BASE seconds, doubling with each failure, at most LOGIN_BACKOFF_CAP seconds. Tries
  during the wait are refused without looking at the password, so they do not make it longer;
  the owner, from another address, gets in once the short wait has passed.

Only failures count; a success clears its pair and the account's backoff. Every check runs before
the password is looked at and keys on the typed address, so unknown accounts answer the same.
"""
import math
import time

from flask import current_app
from limits import parse

from ..extensions import limiter


def _enabled():
    return current_app.config.get("RATELIMIT_ENABLED", True)


def _acct(account):
    return (account or "").strip().lower()


def _pair_limit():
    return parse(current_app.config["LOGIN_LIMIT_PER_ACCOUNT"])


def _ip_limit():
    return parse(current_app.config["LOGIN_LIMIT_PER_IP"])


def _fail_key(acct):
    return f"elearn/login-fails/{acct}"


def _wait_key(acct):
    return f"elearn/login-wait/{acct}"


def _storage():
    return limiter.limiter.storage


def _reset_in(item, *identifiers) -> int:
    stats = limiter.limiter.get_window_stats(item, *identifiers)
    return max(1, math.ceil(stats.reset_time - time.time()))


def login_wait(ip: str, account: str) -> int:
    """Seconds before ``account`` may try again from ``ip``; 0 when it may try now."""
    if not _enabled():
        return 0
    ip, acct = ip or "?", _acct(account)
    if not limiter.limiter.test(_pair_limit(), "login-pair", acct, ip):
        return _reset_in(_pair_limit(), "login-pair", acct, ip)
    if not limiter.limiter.test(_ip_limit(), "login-ip", ip):
        return _reset_in(_ip_limit(), "login-ip", ip)
    storage = _storage()
    if storage.get(_wait_key(acct)) > 0:
        return max(1, math.ceil(storage.get_expiry(_wait_key(acct)) - time.time()))
    return 0


def login_blocked(ip: str, account: str) -> bool:
    return login_wait(ip, account) > 0


def login_failed(ip: str, account: str) -> dict:
    """Count one failure; returns what it started: ``{"pair_locked", "ip_locked", "backoff"}``."""
    if not _enabled():
        return {}
    ip, acct = ip or "?", _acct(account)
    cfg = current_app.config
    pair_ok = limiter.limiter.hit(_pair_limit(), "login-pair", acct, ip)
    ip_ok = limiter.limiter.hit(_ip_limit(), "login-ip", ip)
    storage = _storage()
    fails = storage.incr(_fail_key(acct), int(cfg["LOGIN_BACKOFF_WINDOW"]))
    backoff = 0
    if fails >= int(cfg["LOGIN_BACKOFF_AFTER"]):
        backoff = min(int(cfg["LOGIN_BACKOFF_BASE"]) * 2 ** min(fails - int(cfg["LOGIN_BACKOFF_AFTER"]), 30),
                      int(cfg["LOGIN_BACKOFF_CAP"]))
        if backoff > 0:
            storage.clear(_wait_key(acct))
            storage.incr(_wait_key(acct), backoff)
    return {"pair_locked": not limiter.limiter.test(_pair_limit(), "login-pair", acct, ip) or not pair_ok,
            "ip_locked": not ip_ok or not limiter.limiter.test(_ip_limit(), "login-ip", ip),
            "backoff": backoff, "failures": fails}


def login_succeeded(ip: str, account: str) -> None:
    """The right password: forget this pair's failures and the account's backoff."""
    if not _enabled():
        return
    ip, acct = ip or "?", _acct(account)
    limiter.limiter.clear(_pair_limit(), "login-pair", acct, ip)
    _storage().clear(_fail_key(acct))
    _storage().clear(_wait_key(acct))


def hit_limit(name: str, key: str, limit: str) -> bool:
    """Count one event under ``name``/``key``; False when ``limit`` is already used up."""
    if not _enabled():
        return True
    return limiter.limiter.hit(parse(limit), name, key or "?")
