"""The security log: one line per security event on the ``elearn.security`` logger.

Events: ``login_ok``, ``login_failed``, ``login_throttled``, ``lockout``, ``password_reset_requested``,
``password_reset_done``, ``password_changed``, ``role_changed``, ``user_created``, ``user_deactivated``,
``token_created``, ``token_revoked``. Lines look like ``event=login_failed email="a@b.vn" ip="1.2.3.4"``.

Never pass passwords or tokens (a token's public ``prefix`` or id is fine). Every value is
neutralised: CR, LF and other control or line-separator characters become ``\\xNN``/``\\uNNNN``
escapes and quotes are escaped, so a user-supplied value cannot forge a second log line or field.
"""
import logging
import re

log = logging.getLogger("elearn.security")

_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f\u2028\u2029"\\]')
MAX_VALUE = 200


def _escape(ch: str) -> str:
    if ch in '"\\':
        return "\\" + ch
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(value) -> str:
    """``value`` as one quoted-safe line: control characters escaped, at most MAX_VALUE characters."""
    text = "" if value is None else str(value)
    if len(text) > MAX_VALUE:
        text = text[:MAX_VALUE] + "…"
    return _UNSAFE.sub(lambda m: _escape(m.group()), text)


def security_event(event: str, level: int = logging.INFO, **fields) -> None:
    parts = [f"event={clean(event)}"]
    parts += [f'{name}="{clean(value)}"' for name, value in fields.items()]
    log.log(level, " ".join(parts))
