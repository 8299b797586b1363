"""The forum's routes load what their address names with ``core.loading.loads`` (docs/ARCHITECTURE.md,
"Loaders"): the pages and the API through the same loaders, refusals unchanged (404 for what the
viewer may not see, 403 for a locked module or a missing right, the API's JSON messages)."""
from sqlalchemy import func, select

from elearn.discussions import loaders, moderation, services
from elearn.discussions.loaders import ForumAccess
from elearn.discussions.models import PostReport
from tests.discussions.conftest import bearer, form_values, login
from tests.conftest import route_loaders

ROUTES = {
    "discussions.forum": loaders.load_forum, "discussions.new_thread": loaders.load_forum,
    "discussions.follow_forum": loaders.load_forum, "discussions.reports": loaders.load_forum,
    "discussions.audit": loaders.load_forum, "api.list_threads": loaders.load_forum,
    "api.create_thread": loaders.load_forum,
    "discussions.thread": loaders.load_thread, "discussions.reply": loaders.load_thread,
    "discussions.follow_thread": loaders.load_thread, "discussions.moderate_thread": loaders.load_thread,
    "discussions.move_thread": loaders.load_thread, "api.get_thread": loaders.load_thread,
    "api.create_post": loaders.load_thread,
    "discussions.edit": loaders.load_post, "discussions.answer": loaders.load_post,
    "discussions.report": loaders.load_post, "discussions.moderate_post": loaders.load_post,
    "api.edit_post": loaders.load_post,
    "discussions.resolve": loaders.load_report, "discussions.attachment": loaders.load_attachment,
}


def _thread(db, forum, **place):
    access = ForumAccess(forum["a"], moderator=False, writer=True)
    t = services.create_thread(forum["trainee"], access, title="Hỏi về nội quy thư viện xã",
                               body="Nội quy cần những gì?", **place)
    db.session.commit()
    return t


def test_pages_and_api_load_through_the_same_loaders(app):
    for endpoint, loader in ROUTES.items():
        assert route_loaders(app, endpoint) == [loader], endpoint


def test_resolve_loads_the_report_then_its_post(make_app, db, forum):
    t = _thread(db, forum)
    bad = services.reply(forum["classmate"], t, body="Nội dung không phù hợp")
    db.session.commit()
    moderation.report(forum["trainee"], bad, "lời lẽ không phù hợp")
    db.session.commit()
    rep = db.session.scalar(select(PostReport))
    staff = login(make_app, "gv@example.vn")
    token = form_values(staff, f"/discuss/{forum['a'].slug}/reports")["csrf_token"]
    assert staff.post(f"/discuss/reports/{rep.id + 1000}/resolve", data={"csrf_token": token}).status_code == 404
    other = login(make_app, "gv2@example.vn")  # teaches course B only: course A's post is not theirs to see
    token = form_values(other, f"/discuss/{forum['b'].slug}")["csrf_token"]
    assert other.post(f"/discuss/reports/{rep.id}/resolve", data={"csrf_token": token}).status_code == 404
    mai = login(make_app, "mai@example.vn")  # reads the post, moderates nothing
    token = form_values(mai, f"/discuss/t/{t.id}")["csrf_token"]
    assert mai.post(f"/discuss/reports/{rep.id}/resolve", data={"csrf_token": token}).status_code == 403
    assert db.session.scalar(select(func.count(PostReport.id)).where(PostReport.resolved_at.is_(None))) == 1
    token = form_values(staff, f"/discuss/{forum['a'].slug}/reports")["csrf_token"]
    resp = staff.post(f"/discuss/reports/{rep.id}/resolve", data={"csrf_token": token})
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/discuss/{forum['a'].slug}/reports")


def test_the_api_keeps_its_json_refusals(client, db, forum):
    locked = _thread(db, forum, module=forum["two"])
    h = bearer(forum["trainee"])
    resp = client.get(f"/api/v1/threads/{locked.id}", headers=h)
    assert resp.status_code == 403
    assert resp.json["error"]["message"] == "Module này chưa mở: hãy hoàn thành các module trước."
    for resp in (client.get(f"/api/v1/threads/{locked.id + 1000}", headers=h),
                 client.post(f"/api/v1/threads/{locked.id + 1000}/posts", headers=h, json={"body": "x"}),
                 client.patch("/api/v1/posts/999999", headers=h, json={"body": "x"}),
                 client.get("/api/v1/courses/khong-co/threads", headers=h)):
        assert resp.status_code == 404 and resp.json["error"]["message"] == "Không tìm thấy thảo luận."


def test_following_a_place_returns_to_it(make_app, db, forum):
    mai = login(make_app, "mai@example.vn")
    path = f"/discuss/{forum['a'].slug}?module={forum['one'].id}"
    token = form_values(mai, path)["csrf_token"]
    resp = mai.post(f"/discuss/{forum['a'].slug}/follow?module={forum['one'].id}",
                    data={"csrf_token": token, "mode": "digest"})
    assert resp.status_code == 303 and resp.headers["Location"].endswith(path)
