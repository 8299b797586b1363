"""axe-core (pinned in tests/e2e/package-lock.json, `make e2e-deps`): no serious or critical
findings on the sign-in page, every role's home and account pages, and the admin pages.

The app's Content-Security-Policy (script-src 'self') rightly blocks the injected axe script, so
these contexts bypass CSP; nothing else in the suite does.
"""
import json
from urllib.parse import urlsplit

import pytest

from .conftest import (ATTEMPT_PAGE, AXE_JS, COURSE_PAGE, DEMO_WORKSHOP_PAGE,
                       LESSON_PAGE, WORKSHOPS_PAGE, resolve_page)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not AXE_JS.exists(),
                       reason=f"axe-core not installed ({AXE_JS} missing): run `make e2e-deps`"),
]

BLOCKING = ("serious", "critical")

RUN_AXE = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return {version: axe.version, violations: r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target, html: n.html, summary: n.failureSummary}))}))};
}"""


def run_axe(page):
    page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(RUN_AXE)


def describe(violations):
    out = []
    for v in violations:
        out.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for n in v["nodes"][:8]:
            out.append(f"    at {json.dumps(n['target'], ensure_ascii=False)}: {n['html'][:200]}")
            for line in (n["summary"] or "").splitlines():
                out.append(f"       {line}")
    return "\n".join(out)


def check(page, label):
    result = run_axe(page)
    violations = result["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    minor = [v for v in violations if v["impact"] not in BLOCKING]
    print(f"axe-core {result['version']} {label}: {len(blocking)} serious/critical, "
          f"{len(minor)} minor/moderate {[v['id'] for v in minor]}")
    assert not blocking, f"axe-core {result['version']} on {label}:\n{describe(blocking)}"


def test_axe_harness_reports_a_known_violation(shared_page):
    """Guard against a silently broken harness: a page with known faults must be reported."""
    page = shared_page(None, bypass_csp=True)
    page.set_content('<!doctype html><html lang="vi"><head><title>t</title></head><body><main>'
                     '<img src="x.png"><input type="text"></main></body></html>')
    found = {v["id"]: v["impact"] for v in run_axe(page)["violations"]}
    assert found.get("image-alt") == "critical" and "label" in found, found


def test_login_page_has_no_serious_axe_findings(shared_page):
    page = shared_page(None, bypass_csp=True)
    page.goto("/login")
    check(page, "/login (anonymous)")


PAGES = [(role, path) for role in ("admin", "instructor", "manager", "trainee") for path in ("/", "/account")]
PAGES += [("admin", "/admin/users"), ("admin", "/admin/orgs/")]
PAGES += [("trainee", "/courses/"), ("trainee", COURSE_PAGE), ("trainee", LESSON_PAGE), ("trainee", ATTEMPT_PAGE)]
PAGES += [("trainee", WORKSHOPS_PAGE), ("trainee", DEMO_WORKSHOP_PAGE)]
PAGES += [("manager", "/reports/completion"), ("manager", "/reports/annual"), ("admin", "/reports/completion")]


@pytest.mark.parametrize("role,path", PAGES, ids=[f"{r}:{p}" for r, p in PAGES])
def test_signed_in_page_has_no_serious_axe_findings(role, path, shared_page, request):
    path = resolve_page(path, request)
    page = shared_page(role, bypass_csp=True)
    response = page.goto(path)
    assert response.ok and urlsplit(page.url).path == path, f"{path} as {role}: {response.status} {page.url}"
    check(page, f"{path} ({role})")
