"""What an uploaded file is, by its content alone: the allow-listed kinds, their magic numbers and
container checks (OOXML, ODF, MP4), MPEG audio frames, and image sizes from the header. No I/O here:
``elearn.core.uploads`` reads the stream, decides and stores."""
import struct
from typing import NamedTuple


class Kind(NamedTuple):
    name: str
    ext: str  # canonical extension of the stored file
    mime: str
    aliases: tuple = ()  # other extensions a client name may keep for this kind


PDF = Kind("pdf", "pdf", "application/pdf")
DOCX = Kind("docx", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
PPTX = Kind("pptx", "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation")
XLSX = Kind("xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
ODT = Kind("odt", "odt", "application/vnd.oasis.opendocument.text")
ODS = Kind("ods", "ods", "application/vnd.oasis.opendocument.spreadsheet")
ODP = Kind("odp", "odp", "application/vnd.oasis.opendocument.presentation")
PNG = Kind("png", "png", "image/png")
JPEG = Kind("jpeg", "jpg", "image/jpeg", ("jpeg", "jpe"))
GIF = Kind("gif", "gif", "image/gif")
WEBP = Kind("webp", "webp", "image/webp")
MP3 = Kind("mp3", "mp3", "audio/mpeg")
MP4 = Kind("mp4", "mp4", "video/mp4", ("m4v",))
M4A = Kind("m4a", "m4a", "audio/mp4")
IMAGES = (PNG, JPEG, GIF, WEBP)

_MAGIC = ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG),
          (b"GIF87a", GIF), (b"GIF89a", GIF))
_OOXML = (("word/", DOCX), ("ppt/", PPTX), ("xl/", XLSX))
_ODF = {k.mime.encode(): k for k in (ODT, ODS, ODP)}
_MP4_VIDEO = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1",
              b"M4V ", b"M4VH", b"M4VP", b"dash", b"mmp4"}
_MP4_AUDIO = {b"M4A ", b"M4B "}
_MARKUP = (b"<", b"#!")  # HTML, SVG, XML, scripts: refused even before the allow-list


# --- detection --------------------------------------------------------------------------------------

def detect_kind(head: bytes, zip_names: list[str] | None) -> Kind | None:
    """The allowed kind of a file from its first bytes (and, for a ZIP, its entry names in order)."""
    text = head
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        text = text.removeprefix(bom)
    if text.lstrip(b" \t\r\n\f").startswith(_MARKUP):
        return None
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp":
        return _mp4_kind(head)
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(head, zip_names)
    if _is_id3(head) or _is_mpeg_audio(head):
        return MP3
    return None


def _zip_kind(head, names):
    if not names or any(n.lower().endswith("vbaproject.bin") for n in names):
        return None  # unreadable ZIP, or an Office file with macros
    if names[0] == "mimetype":  # ODF: first entry stored uncompressed, read from its local header
        try:
            method, size = struct.unpack("<H", head[8:10])[0], struct.unpack("<I", head[18:22])[0]
            name_len, extra_len = struct.unpack("<HH", head[26:30])
        except struct.error:
            return None
        start = 30 + name_len + extra_len
        return _ODF.get(head[start:start + size]) if method == 0 else None
    if "[Content_Types].xml" in names:
        for prefix, kind in _OOXML:
            if any(n.startswith(prefix) for n in names):
                return kind
    return None


def _mp4_kind(head):
    box_size = struct.unpack(">I", head[:4])[0]
    major = head[8:12]
    if major in _MP4_AUDIO:
        return M4A
    compatible = {head[i:i + 4] for i in range(16, min(box_size, len(head)) - 3, 4)}
    if major in _MP4_VIDEO or compatible & _MP4_VIDEO:
        return MP4
    return None


def _is_id3(head):
    # "ID3", version 2..4, revision, flags, then a 4-byte "syncsafe" size (high bit of each byte 0)
    return (len(head) >= 10 and head[:3] == b"ID3" and head[3] in (2, 3, 4) and head[5] & 0x0F == 0
            and all(b < 0x80 for b in head[6:10]))


def _mpeg_frame_len(h, i):
    """Length of the MPEG audio layer III frame whose header starts at ``h[i]``, or None."""
    if i + 4 > len(h) or h[i] != 0xFF or h[i + 1] & 0xE0 != 0xE0:
        return None
    version, layer = (h[i + 1] >> 3) & 3, (h[i + 1] >> 1) & 3  # version 0: 2.5, 1: reserved, 2: 2, 3: 1
    br_index, sr_index, padding = h[i + 2] >> 4, (h[i + 2] >> 2) & 3, (h[i + 2] >> 1) & 1
    if version == 1 or layer != 1 or br_index in (0, 15) or sr_index == 3:
        return None
    if version == 3:
        kbps = (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)[br_index - 1]
        return 144000 * kbps // (44100, 48000, 32000)[sr_index] + padding
    kbps = (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)[br_index - 1]
    rate = (22050, 24000, 16000)[sr_index] // (2 if version == 0 else 1)
    return 72000 * kbps // rate + padding


def _is_mpeg_audio(head):
    """Two valid layer III frame headers in a row: two sync bytes alone are too weak a signature."""
    first = _mpeg_frame_len(head, 0)
    return bool(first) and _mpeg_frame_len(head, first) is not None


def image_size(head: bytes, kind: Kind) -> tuple[int | None, int | None]:
    """Width and height read from an image header, or (None, None)."""
    try:
        if kind == PNG and head[12:16] == b"IHDR":
            return struct.unpack(">II", head[16:24])
        if kind == GIF:
            return struct.unpack("<HH", head[6:10])
        if kind == WEBP:
            return _webp_size(head)
        if kind == JPEG:
            return _jpeg_size(head)
    except (struct.error, IndexError):
        pass
    return None, None


def _webp_size(h):
    chunk = h[12:16]
    if chunk == b"VP8 " and h[23:26] == b"\x9d\x01\x2a":
        w, hh = struct.unpack("<HH", h[26:30])
        return w & 0x3FFF, hh & 0x3FFF
    if chunk == b"VP8L" and h[20] == 0x2F:
        bits = struct.unpack("<I", h[21:25])[0]
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":
        return int.from_bytes(h[24:27], "little") + 1, int.from_bytes(h[27:30], "little") + 1
    return None, None


def _jpeg_size(h):
    i = 2
    while i + 9 <= len(h) and h[i] == 0xFF:
        marker = h[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
        elif marker == 0x01 or 0xD0 <= marker <= 0xD8:  # markers without a length
            i += 2
        elif 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # SOFn
            height, width = struct.unpack(">HH", h[i + 5:i + 9])
            return width, height
        elif marker in (0xD9, 0xDA):  # end of image, start of scan: no frame header before
            break
        else:
            i += 2 + struct.unpack(">H", h[i + 2:i + 4])[0]
    return None, None
