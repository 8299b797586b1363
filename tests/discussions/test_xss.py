"""Issue 14 item 2: posts are Markdown sanitised by the one allowlist (core/sanitize.py): no raw
HTML beyond it, no style/svg/math/iframe/form, links only http/https/mailto with rel="nofollow
noopener", images only from the platform itself; sanitising twice gives the same HTML. (The same
corpus runs in Chromium in tests/e2e/test_discussions.py.)"""
import pytest

from elearn.core.markdown import render
from elearn.core.sanitize import clean_html
from elearn.discussions import services
from elearn.discussions.loaders import ForumAccess
from tests.discussions.xss_corpus import PAYLOADS, dangerous


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_renders_to_nothing_dangerous_and_sanitising_twice_is_stable(payload):
    html = render(payload)
    assert dangerous(html) == [], html
    assert clean_html(html) == html
    # the sanitiser alone (raw HTML, as an import would pass it) is safe and stable too
    once = clean_html(payload)
    assert dangerous(once) == [], once
    assert clean_html(once) == once


def test_links_get_rel_and_only_safe_schemes_and_images_only_from_the_platform():
    html = render("[luật](https://thuvienphapluat.vn/x) [thư](mailto:a@b.vn) [ftp](ftp://x/y) "
                  "![bìa](/courses/x/files/1) ![ngoài](https://evil.example/p.png) ![tương đối](anh.png)")
    assert 'href="https://thuvienphapluat.vn/x"' in html and 'href="mailto:a@b.vn"' in html
    assert html.count('rel="noopener noreferrer nofollow"') == 3 and "ftp:" not in html
    assert 'src="/courses/x/files/1"' in html and 'src="anh.png"' in html and "evil.example" not in html


def test_a_stored_post_holds_only_the_sanitised_html(db, forum):
    access = ForumAccess(forum["a"], moderator=False, writer=True)
    for payload in PAYLOADS:
        t = services.create_thread(forum["trainee"], access, title="Thử <b>đậm</b>", body=payload + "\n\nchữ")
        post_html = db.session.scalars(db.select(services.Post.body_html).where(services.Post.thread_id == t.id)).one()
        assert dangerous(post_html) == [], post_html
        assert t.title == "Thử đậm"  # titles are plain text
    db.session.rollback()
