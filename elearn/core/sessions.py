"""The signed session cookie, re-sent at most once an hour rather than on every response.

Flask re-signs and re-sends a permanent session's cookie on every request
(``SESSION_REFRESH_EACH_REQUEST``) so that its expiry slides. For signed-in users on 3G that is a
~300-byte ``Set-Cookie`` on every page and a serialise + zlib + HMAC per request. This interface
keeps the sliding expiry but moves it in steps of ``REFRESH_EVERY``: the cookie is re-sent when the
session changed, or when the hour stamp it carries (``_r``) is not the current hour. A session
therefore lives between ``PERMANENT_SESSION_LIFETIME - 1 h`` and ``PERMANENT_SESSION_LIFETIME``
after the last request. See docs/ARCHITECTURE.md, "Speed".
"""
import time

from flask.sessions import SecureCookieSessionInterface

REFRESH_EVERY = 3600  # seconds
STAMP = "_r"


def _now_step() -> int:
    return int(time.time() // REFRESH_EVERY)


class SteppedRefreshSessionInterface(SecureCookieSessionInterface):
    def should_set_cookie(self, app, session) -> bool:
        if session.modified:
            if session.permanent and session:
                session[STAMP] = _now_step()
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        if session.get(STAMP) == _now_step():
            return False  # re-sent earlier this hour: the browser's copy is still good
        session[STAMP] = _now_step()
        return True
