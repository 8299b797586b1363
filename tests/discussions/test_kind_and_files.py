"""The "discussion" activity kind (a module's discussion counts toward completion once the trainee
has posted there) and attachments (upload rules, served as attachments, the thread's access rule)."""
import io

from sqlalchemy import select

from elearn.courses import kinds
from elearn.courses.models import Activity
from elearn.discussions import moderation, services
from elearn.discussions.loaders import ForumAccess
from elearn.discussions.models import Attachment, Post
from tests.courses.conftest import course_dir  # noqa: F401  (a small course tree)
from tests.discussions.conftest import form_values, login

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_discussion_activity_is_complete_once_the_trainee_posts_in_its_module(db, forum):
    kind = kinds.get("discussion")
    assert kind.default_rule == "posted" and str(kind.label) == "Thảo luận"
    act = Activity(module_id=forum["one"].id, course_id=forum["a"].id, kind="discussion", slug="thao-luan",
                   title="Thảo luận: nội quy", status="published", settings={})
    db.session.add(act)
    db.session.flush()
    users = [forum["trainee"].id, forum["classmate"].id]
    assert kind.facts(users, [act]) == {}
    access = ForumAccess(forum["a"], moderator=False, writer=True)
    services.create_thread(forum["classmate"], access, title="Ở diễn đàn chung", body="không tính")
    t = services.create_thread(forum["trainee"], access, module=forum["one"], title="Trong module", body="tính")
    facts = kind.facts(users, [act])
    assert list(facts) == [(forum["trainee"].id, act.id)]
    outcome = kind.outcome(act, kind.rule(act), facts[(forum["trainee"].id, act.id)])
    assert outcome.completed_at == t.created_at
    assert kind.outcome(act, "none", facts[(forum["trainee"].id, act.id)]).completed_at is None
    assert kind.fact_users(forum["a"].id) == {forum["trainee"].id}
    # a hidden post does not count
    moderation.moderate_thread(forum["instructor"], t, "hide", "nhầm chỗ")
    assert kind.facts(users, [act]) == {}
    assert kind.url(act, forum["a"]).endswith(f"/discuss/{forum['a'].slug}?module={forum['one'].id}")
    db.session.rollback()


def test_attachments_follow_the_upload_rules_and_the_threads_access(make_app, db, forum):
    mai = login(make_app, "mai@example.vn")
    path = f"/discuss/{forum['a'].slug}/new"
    bad = {**form_values(mai, path), "title": "Tệp lạ", "body": "xem tệp",
           "file": (io.BytesIO(b"<html><script>x</script></html>"), "trang.pdf")}
    resp = mai.post(path, data=bad, content_type="multipart/form-data")
    assert resp.status_code == 200 and 'class="error"' in resp.get_data(as_text=True)
    assert db.session.scalar(select(Post.id)) is None  # nothing stored half-way
    good = {**form_values(mai, path), "title": "Nội quy mẫu", "body": "Nội quy của xã em",
            "file": (io.BytesIO(PDF), "noi-quy.pdf")}
    resp = mai.post(path, data=good, content_type="multipart/form-data")
    assert resp.status_code == 303
    att = db.session.scalar(select(Attachment))
    assert att.original_name == "noi-quy.pdf" and att.mime == "application/pdf"
    got = mai.get(f"/discuss/files/{att.id}")
    assert got.status_code == 200 and got.data == PDF
    assert got.headers["Content-Disposition"].startswith("attachment")
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    outsider = login(make_app, "ngoai@example.vn")
    assert outsider.get(f"/discuss/files/{att.id}").status_code == 404


def test_the_activity_page_of_a_discussion_leads_to_the_modules_threads(make_app, db, forum):
    db.session.add(Activity(module_id=forum["one"].id, course_id=forum["a"].id, kind="discussion",
                            slug="thao-luan", title="Thảo luận", status="published", settings={}))
    db.session.commit()
    mai = login(make_app, "mai@example.vn")
    resp = mai.get(f"/courses/{forum['a'].slug}/{forum['one'].slug}/thao-luan")
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"/discuss/{forum['a'].slug}?module={forum['one'].id}")


def test_a_discussion_in_the_course_files_completes_in_progress_when_the_trainee_posts(db, runner, course_dir,
                                                                                        make_org, make_user):
    """End to end: module.yaml names a discussion, the importer makes the activity, and a post in that
    module's threads marks it complete in the trainee's progress rows (through the signal)."""
    from elearn.courses.models import ActivityProgress, Course, Module
    from elearn.courses.services import enrol_org

    module_yaml = course_dir / "thu-nghiem" / "mot" / "module.yaml"
    module_yaml.write_text(module_yaml.read_text(encoding="utf-8") +
                           "  - discussion: trao-doi\n    title: Trao đổi về bài một\n", encoding="utf-8")
    result = runner.invoke(args=["courses", "import", str(course_dir)])
    assert result.exit_code == 0, result.output
    act = db.session.scalar(select(Activity).where(Activity.slug == "trao-doi"))
    assert act.kind == "discussion" and act.settings["completion"] == "posted"
    course = db.session.scalar(select(Course))
    province = make_org("Thư viện tỉnh", code="LS")
    enrol_org(course, province)
    trainee = make_user("trainee", province)
    db.session.commit()
    module = db.session.get(Module, act.module_id)
    access = ForumAccess(course, moderator=False, writer=True)
    services.create_thread(trainee, access, title="Ở diễn đàn chung", body="không tính")
    db.session.commit()
    row = db.session.scalar(select(ActivityProgress).where(ActivityProgress.activity_id == act.id))
    assert row is None or row.state != "complete"
    services.create_thread(trainee, access, module=module, title="Câu hỏi về bài một", body="tính")
    db.session.commit()
    row = db.session.scalar(select(ActivityProgress).where(ActivityProgress.activity_id == act.id,
                                                          ActivityProgress.user_id == trainee.id))
    assert row is not None and row.state == "complete"


def test_a_discussion_entry_without_a_title_is_an_error_with_its_line(course_dir):
    from elearn.curriculum import reader

    module_yaml = course_dir / "thu-nghiem" / "mot" / "module.yaml"
    module_yaml.write_text(module_yaml.read_text(encoding="utf-8") + "  - discussion: trao-doi\n", encoding="utf-8")
    errors = [str(e) for e in reader.read_courses(str(course_dir)).errors]
    assert any("module.yaml" in e and "thảo luận cần 'title'" in e for e in errors), errors
