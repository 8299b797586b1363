"""Issue 14 items 2–6 and 9: the edit window and its history, moderation with its audit log, reports,
unread markers, diacritic-blind search, and the API with Idempotency-Key."""
from datetime import timedelta

from sqlalchemy import func, select

from elearn.core.timeutil import utcnow
from elearn.discussions import services
from elearn.discussions.loaders import ForumAccess
from elearn.discussions.models import ModerationLog, Post, PostReport, PostRevision, Thread
from tests.discussions.conftest import bearer, form_values, login, post_reply


def _access(forum):
    return ForumAccess(forum["a"], moderator=False, writer=True)


def _thread(db, forum, title="Hỏi về nội quy", body="Nội quy cần gì?", user="trainee", now=None, **kw):
    t = services.create_thread(forum[user], _access(forum), title=title, body=body, now=now, **kw)
    db.session.commit()
    return t


def test_authors_edit_for_30_minutes_and_staff_read_the_history(make_app, client, db, forum):
    t = _thread(db, forum)
    first = db.session.scalar(select(Post).where(Post.thread_id == t.id))
    mai = login(make_app, "mai@example.vn")
    data = {**form_values(mai, f"/discuss/p/{first.id}/edit"), "title": "Hỏi về nội quy thư viện xã",
            "body": "Nội quy cần những mục nào?"}
    assert mai.post(f"/discuss/p/{first.id}/edit", data=data).status_code == 303
    db.session.expire_all()
    assert db.session.get(Thread, t.id).title == "Hỏi về nội quy thư viện xã"
    assert db.session.get(Post, first.id).edited_at is not None
    rev = db.session.scalar(select(PostRevision).where(PostRevision.post_id == first.id))
    assert (rev.title, rev.body_md) == ("Hỏi về nội quy", "Nội quy cần gì?")
    # someone else cannot edit it, on the web or through the API
    lan = login(make_app, "lan@example.vn")
    assert lan.get(f"/discuss/p/{first.id}/edit").status_code == 303
    assert client.patch(f"/api/v1/posts/{first.id}", headers=bearer(forum["classmate"]),
                        json={"body": "sửa trộm"}).status_code == 409
    # after 30 minutes the author cannot either
    db.session.get(Post, first.id).created_at = utcnow() - timedelta(minutes=31)
    db.session.commit()
    data = {**form_values(mai, f"/discuss/t/{t.id}"), "body": "sửa muộn"}
    assert mai.post(f"/discuss/p/{first.id}/edit", data=data).status_code == 303
    assert client.patch(f"/api/v1/posts/{first.id}", headers=bearer(forum["trainee"]),
                        json={"body": "sửa muộn"}).status_code == 409
    db.session.expire_all()
    assert db.session.get(Post, first.id).body_md == "Nội quy cần những mục nào?"
    # staff see the history; trainees do not
    staff = login(make_app, "gv@example.vn")
    html = staff.get(f"/discuss/p/{first.id}/moderate").get_data(as_text=True)
    assert "Nội quy cần gì?" in html and "Hỏi về nội quy" in html
    assert mai.get(f"/discuss/p/{first.id}/moderate").status_code == 403


def test_moderation_pins_locks_hides_with_a_reason_and_moves_with_an_audit_log(make_app, db, forum):
    t = _thread(db, forum)
    staff = login(make_app, "gv@example.vn")
    path = f"/discuss/t/{t.id}/moderate"
    token = form_values(staff, path)["csrf_token"]
    assert staff.post(path, data={"csrf_token": token, "action": "pin"}).status_code == 303
    assert staff.post(path, data={"csrf_token": token, "action": "lock", "reason": "đã đủ"}).status_code == 303
    # hiding without a reason is refused with a clear message, and changes nothing
    resp = staff.post(path, data={"csrf_token": token, "action": "hide", "reason": ""})
    assert resp.status_code == 200 and "Hãy ghi lý do" in resp.get_data(as_text=True)
    assert staff.post(path, data={"csrf_token": token, "action": "explode"}).status_code == 200
    db.session.expire_all()
    t = db.session.get(Thread, t.id)
    assert t.pinned and t.locked and not t.hidden
    # locked: no more replies, from the trainee on the web or the API
    mai = login(make_app, "mai@example.vn")
    assert post_reply(mai, t.id, "thêm nữa").status_code == 403
    move = f"/discuss/t/{t.id}/move"
    assert staff.post(move, data={"csrf_token": token, "target": f"module:{forum['one'].id}",
                                  "reason": "đúng chủ đề module"}).status_code == 303
    assert staff.post(move, data={"csrf_token": token, "target": f"module:{forum['draft'].id}"}).status_code == 303
    assert staff.post(move, data={"csrf_token": token, "target": "module:99999999999999"}).status_code == 422
    db.session.expire_all()
    assert db.session.get(Thread, t.id).module_id == forum["draft"].id  # staff may move to a draft module
    assert staff.post(path, data={"csrf_token": token, "action": "hide", "reason": "trùng lặp"}).status_code == 303
    log = db.session.scalars(select(ModerationLog).order_by(ModerationLog.id)).all()
    assert [e.action for e in log] == ["pin", "lock", "move", "move", "hide"]
    assert log[-1].reason == "trùng lặp" and log[-1].actor_id == forum["instructor"].id
    assert log[2].detail == {"before": {"module_id": None, "workshop_id": None},
                             "after": {"module_id": forum["one"].id, "workshop_id": None}}
    assert "trùng lặp" in staff.get(f"/discuss/{forum['a'].slug}/log").get_data(as_text=True)
    # trainees reach no moderation page
    assert mai.get(path).status_code in (403, 404)
    assert mai.get(f"/discuss/{forum['a'].slug}/log").status_code == 403


def test_any_user_reports_a_post_and_the_report_reaches_staff(make_app, db, forum):
    t = _thread(db, forum)
    bad = services.reply(forum["classmate"], t, body="Nội dung không phù hợp")
    db.session.commit()
    mai = login(make_app, "mai@example.vn")
    data = {**form_values(mai, f"/discuss/p/{bad.id}/report"), "reason": "lời lẽ không phù hợp"}
    assert mai.post(f"/discuss/p/{bad.id}/report", data=data).status_code == 303
    assert mai.post(f"/discuss/p/{bad.id}/report", data=data).status_code == 303  # twice: one report
    assert db.session.scalar(select(func.count(PostReport.id))) == 1
    staff = login(make_app, "gv@example.vn")
    assert "Báo cáo chờ xử lý (1)" in staff.get(f"/discuss/{forum['a'].slug}").get_data(as_text=True)
    html = staff.get(f"/discuss/{forum['a'].slug}/reports").get_data(as_text=True)
    assert "lời lẽ không phù hợp" in html
    rep = db.session.scalar(select(PostReport))
    token = form_values(staff, f"/discuss/{forum['a'].slug}/reports")["csrf_token"]
    assert staff.post(f"/discuss/reports/{rep.id}/resolve", data={"csrf_token": token}).status_code == 303
    assert "Báo cáo chờ xử lý (0)" in staff.get(f"/discuss/{forum['a'].slug}").get_data(as_text=True)


def test_unread_markers_and_the_dashboard_count(make_app, db, forum):
    t = _thread(db, forum)
    lan = login(make_app, "lan@example.vn")
    assert "1 bài mới kể từ lần bạn ghé" in lan.get("/").get_data(as_text=True)
    assert "Mới" in lan.get(f"/discuss/{forum['a'].slug}?show=unread").get_data(as_text=True)
    lan.get(f"/discuss/t/{t.id}")  # read: no longer unread, and the visit resets the dashboard count
    html = lan.get(f"/discuss/{forum['a'].slug}?show=unread").get_data(as_text=True)
    assert "Hỏi về nội quy" not in html
    assert "bài mới kể từ lần bạn ghé" not in lan.get("/").get_data(as_text=True)
    services.reply(forum["instructor"], db.session.get(Thread, t.id), body="Trả lời mới",
                   now=utcnow() + timedelta(seconds=2))
    db.session.commit()
    assert "1 bài mới kể từ lần bạn ghé" in lan.get("/").get_data(as_text=True)
    assert "Hỏi về nội quy" in lan.get(f"/discuss/{forum['a'].slug}?show=unread").get_data(as_text=True)
    # the instructor's to-do list: unanswered questions
    _thread(db, forum, title="Câu hỏi chưa ai trả lời", question=True)
    staff = login(make_app, "gv@example.vn")
    assert "1 câu hỏi chưa được trả lời" in staff.get("/").get_data(as_text=True)
    listing = staff.get(f"/discuss/{forum['a'].slug}?show=unanswered").get_data(as_text=True)
    assert "Câu hỏi chưa ai trả lời" in listing and "Hỏi về nội quy" not in listing


def test_search_ignores_diacritics_and_is_paged(make_app, client, db, forum):
    _thread(db, forum, title="Thư viện xã Đồng Đăng mở cửa", body="Giờ mở cửa cuối tuần")
    _thread(db, forum, title="Luân chuyển sách", body="Sách về điểm đọc thôn")
    mai = login(make_app, "mai@example.vn")
    html = mai.get(f"/discuss/{forum['a'].slug}?q=thu+vien+xa").get_data(as_text=True)
    assert "Thư viện xã Đồng Đăng" in html and "Luân chuyển sách" not in html
    assert "Luân chuyển sách" in mai.get(f"/discuss/{forum['a'].slug}?q=DIEM+DOC").get_data(as_text=True)
    assert "Luân chuyển" in mai.get(f"/discuss/{forum['a'].slug}?q=điểm+đọc").get_data(as_text=True)
    assert mai.get(f"/discuss/{forum['a'].slug}?q=%25_%25").status_code == 200  # LIKE wildcards are text
    assert "Chưa có" not in mai.get(f"/discuss/{forum['a'].slug}?q=dong+dang").get_data(as_text=True)
    body = client.get(f"/api/v1/courses/{forum['a'].slug}/threads?q=dong%20dang",
                      headers=bearer(forum["trainee"])).json
    assert [t["title"] for t in body["threads"]] == ["Thư viện xã Đồng Đăng mở cửa"] and body["total"] == 1
    for n in range(30):
        _thread(db, forum, title=f"Thư viện xã số {n}", body="x")
    page1 = client.get(f"/api/v1/courses/{forum['a'].slug}/threads?q=thu%20vien%20xa",
                       headers=bearer(forum["trainee"])).json
    assert page1["total"] == 31 and page1["pages"] == 2 and len(page1["threads"]) == 25
    html = mai.get(f"/discuss/{forum['a'].slug}?q=thu+vien+xa&page=2").get_data(as_text=True)
    assert "Trang 2 / 2" in html


def test_api_posts_once_per_idempotency_key(client, db, forum):
    h = bearer(forum["trainee"])
    slug = forum["a"].slug
    body = {"title": "Hỏi qua ứng dụng", "body": "Mạng **chậm** quá", "module": forum["one"].id, "question": True}
    first = client.post(f"/api/v1/courses/{slug}/threads", json=body, headers={**h, "Idempotency-Key": "tap-1-abcdef"})
    again = client.post(f"/api/v1/courses/{slug}/threads", json=body, headers={**h, "Idempotency-Key": "tap-1-abcdef"})
    assert first.status_code == again.status_code == 201
    assert first.json == again.json and first.json["url"].endswith(f"/discuss/t/{first.json['id']}")
    assert db.session.scalar(select(func.count(Thread.id))) == 1
    tid = first.json["id"]
    r1 = client.post(f"/api/v1/threads/{tid}/posts", json={"body": "Trả lời"}, headers={**h, "Idempotency-Key": "tap-2-abcdef"})
    r2 = client.post(f"/api/v1/threads/{tid}/posts", json={"body": "Trả lời"}, headers={**h, "Idempotency-Key": "tap-2-abcdef"})
    assert r1.status_code == r2.status_code == 201 and r1.json["id"] == r2.json["id"]
    # the same key for another request is refused
    assert client.post(f"/api/v1/courses/{slug}/threads", json=body,
                       headers={**h, "Idempotency-Key": "tap-2-abcdef"}).status_code == 422
    got = client.get(f"/api/v1/threads/{tid}", headers=h).json
    assert [p["body_html"] for p in got["posts"]] == ["<p>Mạng <strong>chậm</strong> quá</p>\n", "<p>Trả lời</p>\n"]
    assert set(got["posts"][0]) >= {"id", "author", "body_html", "created_at", "edited_at"}
    assert got["posts"][0]["created_at"].endswith("Z") and got["posts"][0]["author"] == "Hoàng Thị Mai"
    patched = client.patch(f"/api/v1/posts/{r1.json['id']}", json={"body": "Trả lời đã sửa"}, headers=h)
    assert patched.status_code == 200 and patched.json["edited_at"]
    assert db.session.scalar(select(func.count(Post.id))) == 2
    # bad input: clear 4xx
    assert client.post(f"/api/v1/courses/{slug}/threads", json={"title": "x"}, headers=h).status_code == 422
    assert client.post(f"/api/v1/courses/{slug}/threads", json={"title": "Tiêu đề", "body": "   "},
                       headers=h).status_code == 422
    assert client.get(f"/api/v1/courses/{slug}/threads?module=99999999999", headers=h).status_code == 422
    # managers only read
    mh = bearer(forum["manager"])
    assert client.get(f"/api/v1/courses/{slug}/threads", headers=mh).json["total"] == 1
    assert client.post(f"/api/v1/courses/{slug}/threads", json=body, headers=mh).status_code == 403


def test_web_double_submit_stores_one_thread(make_app, db, forum):
    mai = login(make_app, "mai@example.vn")
    data = {**form_values(mai, f"/discuss/{forum['a'].slug}/new"), "title": "Gửi hai lần", "body": "Mạng chậm"}
    r1 = mai.post(f"/discuss/{forum['a'].slug}/new", data=data)
    r2 = mai.post(f"/discuss/{forum['a'].slug}/new", data=data)
    assert r1.status_code == r2.status_code == 303 and r1.headers["Location"] == r2.headers["Location"]
    assert db.session.scalar(select(func.count(Thread.id))) == 1
