import os

DATA = os.path.join(os.path.dirname(__file__), "data")
LOC_SAMPLE = os.path.join(DATA, "loc-booksall-2016-sample.mrc")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXERCISES = os.path.join(ROOT, "courses", "nghiep-vu-bien-muc", "bai-tap")

KEY_MRK = """=LDR  00000nam\\a2200000\\a\\4500
=008  261130s1999\\\\\\\\vm\\\\\\\\\\\\\\\\\\\\\\\\000\\1\\vie\\d
=041  0\\$avie
=100  0\\$aNguyễn Kim Dần
=245  10$aVùng quê địch hậu :$btiểu thuyết /$cNguyễn Kim Dần.
=260  \\\\$aHà Nội :$bNxb. Quân đội nhân dân,$c1999.
=300  \\\\$a356 tr. ;$c19 cm.
=650  \\4$aChiến tranh Đông Dương, 1946-1954$vTiểu thuyết
=700  0\\$aTrần Văn A
=700  0\\$aLê Thị B
"""


def load(path, mode="rb"):
    with open(path, mode) as fh:
        return fh.read()


def replace_line(mrk: str, prefix: str, new: str | None) -> str:
    """Replace (or with None, remove) the first line starting with ``prefix``."""
    lines = mrk.splitlines()
    for i, line in enumerate(lines):
        if line.startswith(prefix):
            if new is None:
                del lines[i]
            else:
                lines[i] = new
            return "\n".join(lines) + "\n"
    raise AssertionError(f"no line {prefix!r}")
