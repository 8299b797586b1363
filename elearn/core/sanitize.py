"""The only HTML sanitizer in the project (nh3, not bleach: bleach is archived and unmaintained).

Every user-written or imported HTML fragment passes through ``clean_html`` before it is stored in a
field whose name ends in ``_html``. Only those fields may be rendered with ``|safe``.
"""
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "span",
    "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
    "figure", "figcaption", "audio", "video", "source",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height", "loading"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
    "code": {"class"},
    "audio": {"src", "controls", "preload"},
    "video": {"src", "controls", "preload", "width", "height", "poster"},
    "source": {"src", "type"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Content the browser fetches by itself (images, audio, video) comes only from the platform's own
# addresses: a relative URL or an absolute path, never another host (no tracking pixels, no
# mixed content, nothing that changes after review).
EMBED_ATTRIBUTES = {("img", "src"), ("audio", "src"), ("video", "src"), ("video", "poster"), ("source", "src")}


def own_address(url: str) -> bool:
    """True for a URL on this site: no scheme, no host (``/u/x.png``, ``x.png``), never ``//host``."""
    url = "".join(ch for ch in (url or "") if ch > " ")  # browsers drop tabs and newlines in URLs
    if not url or url.startswith(("//", "\\", "/\\")) or "\\" in url:
        return False
    head = url.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return ":" not in head


def _attribute_filter(tag, attr, value):
    if (tag, attr) in EMBED_ATTRIBUTES and not own_address(value):
        return None
    return value


def clean_html(html: str | None) -> str:
    """Return ``html`` with everything but a safe subset of tags and attributes removed."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        attribute_filter=_attribute_filter,
    )


def strip_tags(text: str | None) -> str:
    """Plain text: every tag removed (for titles and names that must never carry markup)."""
    if not text:
        return ""
    return nh3.clean(text, tags=set())
