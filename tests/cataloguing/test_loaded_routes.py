"""The cataloguing routes load what their address names with ``core.loading.loads``
(docs/ARCHITECTURE.md, "Loaders") through ``cataloguing/loaders.py``, with the refusals they had: a
locked module's page says why (403), its write is a plain 403, an unknown format is 404 first."""
from elearn.cataloguing import loaders
from tests.cataloguing.conftest import form_values, import_course
from tests.conftest import route_loaders

ROUTES = {
    "cataloguing.exercise": loaders.load_exercise_activity, "cataloguing.result": loaders.load_attempt,
    "cataloguing.download": loaders.load_attempt_record, "cataloguing.manage": loaders.load_staff_exercise,
    "cataloguing.export_mistakes": loaders.load_mistakes_export,
}


def test_the_routes_load_through_the_package_loaders(app):
    for endpoint, loader in ROUTES.items():
        assert route_loaders(app, endpoint) == [loader], endpoint


def test_a_locked_exercise_page_says_why_and_its_write_is_a_plain_403(tmp_path, runner, db, make_org, make_user,
                                                                      client, auth):
    s = import_course(tmp_path, runner, db, make_org, make_user, second_module=True)
    locked = s["acts"]["bt-hai"]
    auth.login("mai@example.vn")
    resp = client.get(f"/cataloguing/{locked.id}")
    assert resp.status_code == 403 and "Module này mở khi bạn hoàn thành:" in resp.get_data(as_text=True)
    open_page = form_values(client.get(f"/cataloguing/{s['act'].id}").get_data(as_text=True))
    resp = client.post(f"/cataloguing/{locked.id}", data={**open_page, "action": "save"})
    assert resp.status_code == 403 and "Module này mở khi bạn hoàn thành:" not in resp.get_data(as_text=True)
    assert client.get(f"/cataloguing/{locked.id + 1000}").status_code == 404


def test_an_unknown_format_is_404_before_the_exercise_is_checked(client, auth, cat):
    act = cat["act"]
    auth.login("mai@example.vn")  # a trainee: the instructor's table is not theirs (403)
    assert client.get(f"/cataloguing/{act.id}/mistakes.csv").status_code == 403
    assert client.get(f"/cataloguing/{act.id}/mistakes.pdf").status_code == 404
