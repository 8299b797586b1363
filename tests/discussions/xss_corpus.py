"""Known XSS and mutation-XSS payloads, written as a user would type them into a post (Markdown
source; raw HTML is escaped by the renderer, and whatever gets through is sanitised by nh3).
Each payload that ran would set ``window.__xss`` or open a dialog."""
HOOK = "window.__xss=1"

PAYLOADS = [
    f"<script>{HOOK}</script>",
    f"<img src=x onerror={HOOK}>",
    f'<svg onload="{HOOK}"><circle r=5></svg>',
    f'<math><mtext><table><mglyph><style><img src=x onerror="{HOOK}"></style></mglyph></table></mtext></math>',
    f'<noscript><p title="</noscript><img src=x onerror={HOOK}>">',
    f'<iframe srcdoc="<script>parent.{HOOK}</script>"></iframe>',
    f'<form action="javascript:{HOOK}"><button>Gửi</button></form>',
    f'<a href="javascript:{HOOK}">bấm vào đây</a>',
    f"[bấm vào đây](javascript:{HOOK})",
    f"[bấm](JaVaScRiPt:{HOOK})",
    f"[bấm](&#106;avascript:{HOOK})",
    "[bấm](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==)",
    "![ảnh](https://evil.example/pixel.png)",
    f'![ảnh](x" onerror="{HOOK})',
    f'<div style="background:url(javascript:{HOOK})">kiểu</div>',
    f'<style>*{{background:url("javascript:{HOOK}")}}</style>',
    f'<object data="javascript:{HOOK}"></object><embed src="javascript:{HOOK}">',
    f'<details open ontoggle="{HOOK}">x</details>',
    f'<video><source onerror="{HOOK}"></video>',
    f'<select><noembed></select><img src=x onerror={HOOK}></noembed>',
    f'<!--<img src="--><img src=x onerror={HOOK}//">',
    f'<a href="https://ok.example" onclick="{HOOK}">ok</a>',
    f'`<img src=x onerror={HOOK}>`',
    f'```html\n<script>{HOOK}</script>\n```',
    f'<textarea><img src=x onerror={HOOK}></textarea>',
    f'<base href="javascript:{HOOK}//">',
    f'<meta http-equiv="refresh" content="0;url=javascript:{HOOK}">',
    f'<table><td background="javascript:{HOOK}">ô</td></table>',
    f'<img src="/u/a.png" onerror="{HOOK}"><a href="mailto:a@b.vn">thư</a>',
]

BAD_TAGS = {"script", "style", "svg", "math", "iframe", "form", "object", "embed", "base", "meta", "textarea",
            "noscript", "link", "button", "input", "select", "details", "frame", "frameset"}


def dangerous(html: str) -> list[str]:
    """What in ``html`` (parsed as a browser would tokenise it) could run or load something:
    forbidden tags, event handlers, style, URLs with other schemes, images from elsewhere."""
    from html.parser import HTMLParser

    found = []

    class Finder(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag in BAD_TAGS:
                found.append(f"<{tag}>")
            for name, raw in attrs:
                value = "".join(ch for ch in (raw or "") if ch > " ").lower()  # as browsers read URLs
                if name.startswith("on") or name in ("style", "srcdoc", "formaction", "background"):
                    found.append(f"{tag}[{name}]")
                if name in ("href", "src", "poster", "action") and ":" in value.split("/", 1)[0]:
                    if not value.startswith(("http:", "https:", "mailto:")) or name != "href":
                        found.append(f"{tag}[{name}={value}]")
                if name in ("src", "poster") and value.startswith("//"):
                    found.append(f"{tag}[{name}={value}]")
                if tag == "a" and name == "rel" and not {"nofollow", "noopener"} <= set((raw or "").split()):
                    found.append("a[rel]")

    Finder().feed(html)
    return found
