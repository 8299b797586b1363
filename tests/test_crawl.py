"""Every page a signed-in user can reach by following links answers without a server error, in
Vietnamese and in English, for each demo role."""
import re
from collections import deque

import pytest

from tests.conftest import AuthActions

LINK_RE = re.compile(r'href="(/[^"#]*)"')
SKIP = ("/logout", "/static/", "/api/", ".pdf", ".ics", "/files/", "/calendar/")


def _demo(runner):
    out = runner.invoke(args=["demo", "load"]).output
    return {ln.split()[0]: (ln.split()[1], ln.split()[2]) for ln in out.splitlines() if "@demo.thuvien.vn" in ln}


@pytest.mark.parametrize("role", ["admin", "instructor", "manager", "trainee"])
def test_no_page_reachable_by_links_is_a_server_error(runner, make_app, role):
    accounts = _demo(runner)
    email, password = accounts[role]
    client = make_app().test_client()
    AuthActions(client).login(email, password)
    seen, queue, failures = set(), deque(["/"]), []
    while queue and len(seen) < 150:
        path = queue.popleft()
        if path in seen or any(s in path for s in SKIP):
            continue
        seen.add(path)
        for lang in ("vi", "en"):
            resp = client.get(path, headers={"Accept-Language": lang})
            if resp.status_code >= 500:
                failures.append((path, lang, resp.status_code))
        if resp.status_code == 200 and resp.mimetype == "text/html":
            for link in LINK_RE.findall(resp.get_data(as_text=True)):
                link = link.replace("&amp;", "&")
                if link not in seen:
                    queue.append(link)
    assert len(seen) > 10, seen
    assert failures == []
