"""The dashboard's discussion line for a learner: one statement narrows the courses to those with
new posts by others (docs/PERFORMANCE.md), and the per-course check still hides what they may not see."""
from elearn.discussions import services
from elearn.discussions.loaders import ForumAccess
from tests.discussions.conftest import login


def _thread(db, forum, **kw):
    t = services.create_thread(forum["trainee"], ForumAccess(forum["a"], moderator=False, writer=True),
                               title="Hỏi về nội quy", body="Nội quy cần gì?", **kw)
    db.session.commit()
    return t


def test_posts_in_a_locked_module_or_a_hidden_thread_are_not_news(make_app, db, forum):
    lan = login(make_app, "lan@example.vn")
    assert "Không có gì mới trong các thảo luận của bạn." in lan.get("/").get_data(as_text=True)
    _thread(db, forum, module=forum["two"])  # "two" is locked for Lan until she finishes "one"
    assert "bài mới kể từ lần bạn ghé" not in lan.get("/").get_data(as_text=True)
    hidden = _thread(db, forum)
    hidden.hidden = True
    db.session.commit()
    assert "bài mới kể từ lần bạn ghé" not in lan.get("/").get_data(as_text=True)
    _thread(db, forum)
    assert "1 bài mới kể từ lần bạn ghé" in lan.get("/").get_data(as_text=True)
    # the author sees no news of their own posts
    assert "bài mới kể từ lần bạn ghé" not in login(make_app, "mai@example.vn").get("/").get_data(as_text=True)


def test_courses_with_new_posts_is_a_superset_per_course(db, forum):
    assert services.courses_with_new_posts(forum["classmate"], []) == set()
    ids = [forum["a"].id, forum["b"].id]
    assert services.courses_with_new_posts(forum["classmate"], ids) == set()
    _thread(db, forum)
    assert services.courses_with_new_posts(forum["classmate"], ids) == {forum["a"].id}
    assert services.courses_with_new_posts(forum["trainee"], ids) == set()
    services.visit(forum["classmate"], forum["a"])
    db.session.commit()
    assert services.courses_with_new_posts(forum["classmate"], ids) == set()
