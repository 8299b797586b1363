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


# --- every form, as it is and with hostile values ------------------------------------------------------

from html.parser import HTMLParser  # noqa: E402
import random  # noqa: E402

HOSTILE = [str(10**30), "-" + str(10**30), "-1", "x" * 3000, "<script>alert(1)</script>\"'", "a\x00b", ""]
FORM_SKIP = ("/logout", "/account/password")  # would end the crawling session itself
PAGE_CAP = 60
SEED = 20261130


class _Forms(HTMLParser):
    """The forms of a page: action, method, enctype and their fields as a browser would send them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._form, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "method": (a.get("method") or "get").lower(),
                          "multipart": "multipart" in (a.get("enctype") or ""), "fields": [], "files": [],
                          "buttons": []}
            self.forms.append(self._form)
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind == "file":
                self._form["files"].append(a["name"])
            elif kind in ("submit", "image"):
                self._form["buttons"].append((a["name"], a.get("value", "")))
            elif kind in ("checkbox", "radio"):
                if "checked" in a or not any(n == a["name"] for n, _v, _k in self._form["fields"]):
                    self._form["fields"].append((a["name"], a.get("value", "on"), kind))
            elif kind != "reset":
                self._form["fields"].append((a["name"], a.get("value", ""), kind))
        elif tag == "button" and (a.get("type") or "submit") == "submit":
            self._form["buttons"].append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = [a["name"], None, None]
        elif tag == "textarea":
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form["fields"].append((self._textarea[0], self._textarea[1], "textarea"))
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, first, chosen = self._select
            self._form["fields"].append((name, chosen if chosen is not None else (first or ""), "select"))
            self._select = None

    def parse_starttag(self, i):  # options inside a select: remember the first and the selected one
        j = super().parse_starttag(i)
        tag = self.lasttag
        if tag == "option" and self._select is not None:
            text = self.rawdata[i:j]
            m = re.search(r'value="([^"]*)"', text)
            value = m.group(1) if m else ""
            if self._select[1] is None:
                self._select[1] = value
            if re.search(r"\sselected\b", text):
                self._select[2] = value
        return j


def _forms(html):
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def _form_key(path, form):
    action = re.sub(r"\d+", "N", form["action"] or path)
    return action, tuple(sorted({n for n, _v, _k in form["fields"]}))


def _submit(client, path, form, values):
    from werkzeug.datastructures import MultiDict

    data = MultiDict(values)
    if form["buttons"]:
        data.add(*form["buttons"][0])
    target = form["action"].replace("&amp;", "&") or path
    if form["method"] == "get":
        return client.get(target, query_string=data)
    if form["multipart"]:
        return client.post(target, data=data, content_type="multipart/form-data")
    return client.post(target, data=data)


@pytest.mark.parametrize("role", ["admin", "instructor", "manager", "trainee"])
def test_every_form_as_it_is_and_with_hostile_values_never_gets_a_server_error(runner, make_app, role):
    """Follow every link; submit every form once as the page offers it, then once per hostile value
    (10**30, -10**30, -1, 3,000 characters, markup and quotes, a NUL byte, empty) in every field but
    the CSRF token. Any 5xx fails. Bounded: PAGE_CAP pages per role, each kind of form (action with
    ids folded, field names) once, pages in a seeded order."""
    accounts = _demo(runner)
    email, password = accounts[role]
    client = make_app().test_client()
    AuthActions(client).login(email, password)
    rng = random.Random(SEED)
    seen, queue, failures, done_forms, submitted = set(), deque(["/"]), [], set(), 0
    while queue and len(seen) < PAGE_CAP:
        path = queue.popleft()
        if path in seen or any(s in path for s in SKIP):
            continue
        seen.add(path)
        resp = client.get(path)
        if resp.status_code >= 500:
            failures.append(("GET", path, resp.status_code))
        if resp.status_code != 200 or resp.mimetype != "text/html":
            continue
        html = resp.get_data(as_text=True)
        links = [ln.replace("&amp;", "&") for ln in LINK_RE.findall(html)]
        rng.shuffle(links)
        queue.extend(ln for ln in links if ln not in seen)
        for form in _forms(html):
            key = _form_key(path, form)
            action = form["action"] or path
            if key in done_forms or any(s in action for s in FORM_SKIP) or action.startswith("http"):
                continue
            done_forms.add(key)
            base = [(n, v) for n, v, _k in form["fields"]]
            variants = [("as is", base)] + [
                (repr(h[:20]), [(n, v if n == "csrf_token" else h) for n, v in base]) for h in HOSTILE]
            for label, values in variants:
                # a fresh CSRF token: an earlier submission may have rotated the session
                if any(n == "csrf_token" for n, _v in values) and form["method"] == "post":
                    page = client.get(path)
                    fresh = [f for f in _forms(page.get_data(as_text=True)) if _form_key(path, f) == key]
                    token = next((v for f in fresh for n, v, _k in f["fields"] if n == "csrf_token"), None)
                    if token:
                        values = [(n, token if n == "csrf_token" else v) for n, v in values]
                r = _submit(client, path, form, values)
                submitted += 1
                if r.status_code >= 500:
                    failures.append((form["method"].upper(), action, label, r.status_code))
    print(f"{role}: {len(seen)} pages, {len(done_forms)} kinds of form, {submitted} submissions")
    assert len(seen) > 10 and submitted > 20, (len(seen), submitted)
    assert failures == []
