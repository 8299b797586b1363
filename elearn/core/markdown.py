"""Lesson Markdown → safe HTML, on the server (markdown-it-py; raw HTML is not passed through).

Images take their size from attributes, ``![Bìa sách](/u/x.png){width=640 height=480}``, and load
lazily, so a page does not jump or fetch what the reader never scrolls to.
"""
import math
import re

from markdown_it import MarkdownIt
from mdit_py_plugins.attrs import attrs_plugin

from .sanitize import clean_html

WORDS_PER_MINUTE = 200


def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table").enable("strikethrough")
    md.use(attrs_plugin, allowed=["width", "height"])
    default_image = md.renderer.rules["image"]

    def image(self, tokens, idx, options, env):
        tokens[idx].attrSet("loading", "lazy")
        return default_image(tokens, idx, options, env)

    md.add_render_rule("image", image)
    return md


_MD = _renderer()
# Only to find raw HTML in sources (the renderer above escapes it instead of passing it through).
_MD_DETECT = MarkdownIt("commonmark", {"html": True}).enable("table").use(attrs_plugin, allowed=["width", "height"])


def render(text: str) -> str:
    return clean_html(_MD.render(text or ""))


def problems(text: str):
    """(line, message) for what a lesson file may not contain: raw HTML, images without a size."""
    out = []
    seen = set()
    for token in _walk(_MD_DETECT.parse(text or "")):
        line = (token.map[0] + 1) if token.map else None
        if token.type in ("html_block", "html_inline") and ("html", line) not in seen:
            seen.add(("html", line))
            out.append((line, "HTML trực tiếp không được phép trong bài học; hãy dùng Markdown."))
        if token.type == "image" and not (token.attrGet("width") and token.attrGet("height")):
            out.append((line, "ảnh cần có kích thước, ví dụ ![mô tả](anh.png){width=640 height=480}"))
    return out


def _walk(tokens, parent_line=None):
    for t in tokens:
        if t.map is None and parent_line is not None:
            t.map = [parent_line, parent_line]
        yield t
        if t.children:
            yield from _walk(t.children, t.map[0] if t.map else parent_line)


_WORD = re.compile(r"\w+", re.UNICODE)


def reading_minutes(text: str) -> int:
    return max(1, math.ceil(len(_WORD.findall(text or "")) / WORDS_PER_MINUTE))
