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
    auth = AuthActions(client)
    auth.login(email, password)
    if role == "trainee":  # give the crawl attempts, a review page and a registration to walk through
        quiz = client.get("/courses/phap-luat-thu-vien/01-tong-quan-luat/kiem-tra-module-1").headers["Location"]
        attempt = auth.post(quiz + "/start", page=quiz).headers["Location"]
        auth.post(attempt + "/submit", page=attempt + "/summary")
        workshops = re.findall(r'href="(/workshops/\d+)"', client.get("/workshops/").get_data(as_text=True))
        auth.post(workshops[0] + "/signup", page=workshops[0])
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
