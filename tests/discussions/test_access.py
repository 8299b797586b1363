"""Issue 14 item 7: a thread is visible to exactly those who can see its course, module or workshop,
on the pages, the write routes and the API alike; managers read the courses their units take; hidden
posts are for staff only."""
from sqlalchemy import func, select

from elearn.discussions import services
from elearn.discussions.loaders import ForumAccess
from elearn.discussions.models import Post, Thread
from tests.discussions.conftest import bearer, form_values, login, post_reply, post_thread


def _thread(forum, **place):
    access = ForumAccess(forum["a"], moderator=False, writer=True)
    t = services.create_thread(forum["trainee"], access, title="Hỏi về nội quy thư viện xã",
                               body="Nội quy cần những gì?", question=True, **place)
    from elearn.extensions import db

    db.session.commit()
    return t


def _count(db, model):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_trainee_of_another_course_gets_404_on_every_page_and_write(make_app, db, forum):
    t = _thread(forum)
    post = db.session.scalar(select(Post).where(Post.thread_id == t.id))
    c = login(make_app, "ngoai@example.vn")
    slug = forum["a"].slug
    for path in (f"/discuss/{slug}", f"/discuss/{slug}/new", f"/discuss/t/{t.id}", f"/discuss/p/{post.id}/edit",
                 f"/discuss/p/{post.id}/report", f"/discuss/t/{t.id}/moderate", f"/discuss/p/{post.id}/moderate",
                 f"/discuss/{slug}/reports", f"/discuss/{slug}/log"):
        assert c.get(path).status_code == 404, path
    token = form_values(c, f"/discuss/{forum['b'].slug}")["csrf_token"]
    for path, data in ((f"/discuss/{slug}/new", {"title": "Chen ngang", "body": "x"}),
                       (f"/discuss/t/{t.id}/reply", {"body": "chen ngang"}),
                       (f"/discuss/p/{post.id}/answer", {}), (f"/discuss/p/{post.id}/report", {"reason": "spam spam"}),
                       (f"/discuss/t/{t.id}/follow", {"mode": "instant"}), (f"/discuss/{slug}/follow", {"mode": "digest"}),
                       (f"/discuss/t/{t.id}/moderate", {"action": "hide", "reason": "không lý do"})):
        assert c.post(path, data={"csrf_token": token, **data}).status_code == 404, path
    assert _count(db, Post) == 1 and _count(db, Thread) == 1
    # the other course's own forum is open to them
    assert c.get(f"/discuss/{forum['b'].slug}").status_code == 200


def test_trainee_of_another_course_gets_404_through_the_api(client, db, forum):
    t = _thread(forum)
    post = db.session.scalar(select(Post).where(Post.thread_id == t.id))
    h = bearer(forum["outsider"])
    slug = forum["a"].slug
    assert client.get(f"/api/v1/courses/{slug}/threads", headers=h).status_code == 404
    assert client.post(f"/api/v1/courses/{slug}/threads", headers=h, json={"title": "Chen", "body": "x"}).status_code == 404
    assert client.get(f"/api/v1/threads/{t.id}", headers=h).status_code == 404
    assert client.post(f"/api/v1/threads/{t.id}/posts", headers=h, json={"body": "x"}).status_code == 404
    resp = client.patch(f"/api/v1/posts/{post.id}", headers=h, json={"body": "x"})
    assert resp.status_code == 404 and resp.json["error"]["code"]
    assert _count(db, Post) == 1


def test_workshop_and_module_threads_follow_their_place(make_app, db, forum):
    ws_thread = _thread(forum, workshop=forum["ws"])
    two_thread = _thread(forum, module=forum["two"])
    trainee = login(make_app, "mai@example.vn")
    # module two is locked until module one is done: its threads are locked too (403), and not listed
    assert trainee.get(f"/discuss/t/{two_thread.id}").status_code == 403
    assert trainee.get(f"/discuss/{forum['a'].slug}?module={forum['two'].id}").status_code == 403
    listing = trainee.get(f"/discuss/{forum['a'].slug}").get_data(as_text=True)
    assert f"/discuss/t/{two_thread.id}" not in listing
    # a draft module is not there at all; another course's module neither
    assert trainee.get(f"/discuss/{forum['a'].slug}/new?module={forum['draft'].id}").status_code == 404
    # the workshop is not targeted elsewhere: the enrolled trainee sees it
    assert trainee.get(f"/discuss/t/{ws_thread.id}").status_code == 200
    forum["ws"].status = "draft"
    db.session.commit()
    assert trainee.get(f"/discuss/t/{ws_thread.id}").status_code == 404
    assert f"/discuss/t/{ws_thread.id}" not in trainee.get(f"/discuss/{forum['a'].slug}").get_data(as_text=True)
    # staff see both
    staff = login(make_app, "gv@example.vn")
    assert staff.get(f"/discuss/t/{two_thread.id}").status_code == 200
    assert staff.get(f"/discuss/t/{ws_thread.id}").status_code == 200


def test_managers_read_their_units_courses_and_write_nothing(make_app, db, forum):
    t = _thread(forum)
    manager = login(make_app, "ql@example.vn")
    assert manager.get(f"/discuss/t/{t.id}").status_code == 200
    html = manager.get(f"/discuss/{forum['a'].slug}").get_data(as_text=True)
    assert "Hỏi về nội quy" in html and f"/discuss/{forum['a'].slug}/new" not in html
    assert manager.get(f"/discuss/{forum['a'].slug}/new").status_code == 403
    assert post_reply(manager, t.id, "Quản lý chen vào").status_code == 403
    assert _count(db, Post) == 1
    # a manager whose units do not take the course sees nothing
    far = login(make_app, "ql2@example.vn")
    assert far.get(f"/discuss/t/{t.id}").status_code == 404


def test_hidden_posts_are_for_staff_only(make_app, client, db, forum):
    from elearn.discussions import moderation

    t = _thread(forum)
    bad = services.reply(forum["classmate"], t, body="Quảng cáo bán sách lậu")
    moderation.moderate_post(forum["instructor"], t, bad, "hide", "quảng cáo")
    db.session.commit()
    trainee = login(make_app, "mai@example.vn")
    assert "bán sách lậu" not in trainee.get(f"/discuss/t/{t.id}").get_data(as_text=True)
    assert trainee.get(f"/discuss/p/{bad.id}/report").status_code == 404
    api = client.get(f"/api/v1/threads/{t.id}", headers=bearer(forum["trainee"])).json
    assert [p["id"] for p in api["posts"]] == [p.id for p in db.session.scalars(select(Post).where(
        Post.thread_id == t.id, Post.hidden.is_(False)))]
    staff = login(make_app, "gv@example.vn")
    html = staff.get(f"/discuss/t/{t.id}").get_data(as_text=True)
    assert "bán sách lậu" in html and "quảng cáo" in html
    # a hidden thread disappears from the trainees' lists and pages
    moderation.moderate_thread(forum["instructor"], db.session.get(Thread, t.id), "hide", "trùng chủ đề")
    db.session.commit()
    assert trainee.get(f"/discuss/t/{t.id}").status_code == 404
    assert "Hỏi về nội quy" not in trainee.get(f"/discuss/{forum['a'].slug}").get_data(as_text=True)
    assert "Hỏi về nội quy" in staff.get(f"/discuss/{forum['a'].slug}").get_data(as_text=True)


def test_a_classmate_writes_and_the_page_works_without_javascript(make_app, db, forum):
    """Plain HTML forms: post a thread, reply with a quote, mark the answer; no script on the page."""
    mai = login(make_app, "mai@example.vn")
    resp = post_thread(mai, forum["a"].slug, "Câu hỏi về Thư viện xã", "Xin hỏi *mọi người*", question=True,
                       module=forum["one"].id)
    assert resp.status_code == 303
    tid = int(resp.headers["Location"].rsplit("/", 1)[1])
    lan = login(make_app, "lan@example.vn")
    first = db.session.scalar(select(Post.id).where(Post.thread_id == tid))
    page = lan.get(f"/discuss/t/{tid}?quote={first}").get_data(as_text=True)
    assert "<script" not in page and f'name="quote_of" type="hidden" value="{first}"' in page
    assert len(page.encode()) < 50_000
    resp = post_reply(lan, tid, "Trả lời của Lan", quote_of=str(first))
    assert resp.status_code == 303 and "#post-" in resp.headers["Location"]
    reply = db.session.scalar(select(Post).where(Post.thread_id == tid, Post.is_first.is_(False)))
    assert reply.quote_of_id == first
    # the question's author marks it as the answer; it is then shown first after the question
    token = form_values(mai, f"/discuss/t/{tid}")["csrf_token"]
    assert mai.post(f"/discuss/p/{reply.id}/answer", data={"csrf_token": token}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Thread, tid).answered
    # a classmate who did not ask may not choose the answer
    token = form_values(lan, f"/discuss/t/{tid}")["csrf_token"]
    assert lan.post(f"/discuss/p/{reply.id}/answer", data={"csrf_token": token, "undo": "1"}).status_code == 403
