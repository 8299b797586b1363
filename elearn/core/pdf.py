"""What the PDF documents share (certificates, sign-in sheets): the DejaVu Sans fonts shipped in
``fonts/`` beside this file (never the system's fonts: the output must not depend on the server),
black on white, and text normalised to NFC so decomposed Vietnamese input prints correctly."""
import os
import unicodedata

from fpdf import FPDF

FONT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fonts")
FONT_FAMILY = "DejaVuSans"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}


def nfc(text: str | None) -> str:
    """NFC-normalise and collapse whitespace (form input may arrive decomposed)."""
    return " ".join(unicodedata.normalize("NFC", text or "").split())


class Document(FPDF):
    """An A4 FPDF with the shipped fonts loaded, black text and lines, and no automatic breaks."""

    def __init__(self, orientation: str = "P") -> None:
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.set_auto_page_break(False)
        self.c_margin = 0
        for style, fname in FONT_FILES.items():
            self.add_font(FONT_FAMILY, style, os.path.join(FONT_DIR, fname))
        self.set_text_color(0, 0, 0)
        self.set_draw_color(0, 0, 0)
