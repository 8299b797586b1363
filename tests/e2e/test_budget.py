"""Page budget (DESIGN.md): a cold load of any page is ≤ 50 KB transferred and ≤ 8 requests.

"Cold" is a new browser context (empty HTTP cache, cache disabled over CDP) holding only the
session cookie. Bytes are Chromium's own count of what came over the wire (CDP
Network.loadingFinished encodedDataLength: headers plus the possibly compressed body); each
redirect hop counts as a request. data: URLs (the inline favicon) are not transfers.
"""
import pytest

from .conftest import (ATTEMPT_PAGE, COURSE_PAGE, DEMO_WORKSHOP_PAGE,
                       LESSON_PAGE, WORKSHOPS_PAGE, resolve_page)

pytestmark = pytest.mark.e2e

MAX_BYTES = 50 * 1024
MAX_REQUESTS = 8


class NetworkMeter:
    def __init__(self, context, page):
        self.requests = {}  # requestId -> list of URLs (one per redirect hop)
        self.bytes = {}     # requestId -> bytes received
        self.done = set()
        cdp = context.new_cdp_session(page)
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.loadingFailed", self._failed)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})

    def _sent(self, e):
        url = e["request"]["url"]
        if url.startswith("data:"):
            return
        rid = e["requestId"]
        redirect = e.get("redirectResponse")
        if redirect:  # the previous hop of this request ended in a redirect
            self.bytes[rid] = self.bytes.get(rid, 0) + int(redirect.get("encodedDataLength") or 0)
        self.requests.setdefault(rid, []).append(url)

    def _finished(self, e):
        rid = e["requestId"]
        if rid in self.requests:
            self.bytes[rid] = self.bytes.get(rid, 0) + int(e["encodedDataLength"])
            self.done.add(rid)

    def _failed(self, e):
        self.done.add(e["requestId"])

    def settle(self, page, timeout_ms=5000):
        waited = 0
        while set(self.requests) - self.done and waited < timeout_ms:
            page.wait_for_timeout(25)
            waited += 25
        page.wait_for_timeout(100)  # a late request (a lazy image, a script) would show up here

    @property
    def request_count(self):
        return sum(len(hops) for hops in self.requests.values())

    @property
    def total_bytes(self):
        return sum(self.bytes.values())

    def describe(self):
        lines = []
        for rid, hops in self.requests.items():
            lines.append(f"    {self.bytes.get(rid, 0):>7} B  {' -> '.join(hops)}")
        return "\n".join(lines)


def cold_load(browser_context_factory, path, storage_state=None):
    ctx = browser_context_factory(storage_state=storage_state)
    page = ctx.new_page()
    meter = NetworkMeter(ctx, page)
    response = page.goto(path, wait_until="load")
    meter.settle(page)
    return page, response, meter


def check_budget(page, response, meter, label, expect_path):
    from urllib.parse import urlsplit

    assert response is not None and response.ok, f"{label}: {response and response.status}"
    assert urlsplit(page.url).path == expect_path, f"{label}: landed on {page.url}"
    kb = meter.total_bytes / 1024
    summary = (f"{label}: {kb:.1f} KB in {meter.request_count} requests "
               f"(budget {MAX_BYTES // 1024} KB, {MAX_REQUESTS} requests)\n{meter.describe()}")
    print(summary)
    assert meter.total_bytes > 0, f"nothing measured: {summary}"
    assert meter.total_bytes <= MAX_BYTES, f"over the byte budget: {summary}"
    assert meter.request_count <= MAX_REQUESTS, f"over the request budget: {summary}"


def test_login_page_cold_load_budget(new_context):
    page, response, meter = cold_load(new_context, "/login")
    check_budget(page, response, meter, "/login (anonymous)", "/login")


ROLE_PAGES = [("admin", "/"), ("instructor", "/"), ("manager", "/"), ("trainee", "/"),
              ("trainee", "/account"), ("admin", "/admin/users"), ("admin", "/admin/orgs/"),
              ("trainee", "/courses/"), ("trainee", COURSE_PAGE), ("trainee", LESSON_PAGE),
              ("trainee", ATTEMPT_PAGE), ("trainee", WORKSHOPS_PAGE), ("trainee", DEMO_WORKSHOP_PAGE),
              ("manager", "/reports/completion"), ("manager", "/reports/annual")]


@pytest.mark.parametrize("role,path", ROLE_PAGES, ids=[f"{r}:{p}" for r, p in ROLE_PAGES])
def test_signed_in_page_cold_load_budget(role, path, session_states, new_context, request):
    # A placeholder becomes its fixture's path (ATTEMPT_PAGE: an attempt in progress, whose page
    # also loads static/quiz.js; DEMO_WORKSHOP_PAGE: the demo workshop's page).
    path = resolve_page(path, request)
    # Only the session cookie travels into the cold context.
    page, response, meter = cold_load(new_context, path, storage_state=session_states.get(role))
    check_budget(page, response, meter, f"{path} ({role})", path)
