"""MARC 21 bibliographic definitions used by the structural check (lint).

Source for every entry: Library of Congress, "MARC 21 Format for Bibliographic Data",
https://www.loc.gov/marc/bibliographic/ : one page per field, ``bdXXX.html`` (for example
https://www.loc.gov/marc/bibliographic/bd245.html for 245, bdleader.html for the leader and
bd008a.html / bd008b.html for field 008). The page of each field is named in the comment above it.
Checked on 30/11/2026 against stored copies of the LoC pages (bd505.html, bd730.html) and of pages
that quote them (OCLC Bibliographic Formats and Standards for 082, 264, 520; ITS MARC for 082, 830;
the LoC field list ecbdlist.html as copied in MARC::Lint and ruby-marc). Where LoC changed a
repeatability (e.g. $s Version of X30/240/700 became R), the current value is used.

Only the common bibliographic fields are described (those a commune or provincial library uses for
books). A field that is not in ``FIELDS`` is not checked in detail; only its tag is checked against
``OTHER_DEFINED_TAGS`` and the local ranges (9XX, X9X), as MARC::Lint does.

Notation: an indicator set is a string of the allowed characters, with " " for blank
(written ``\\`` or ``#`` in documentation). ``None`` means "undefined": it must be blank.
Subfields map a code to True (repeatable, R) or False (not repeatable, NR).
"""
from __future__ import annotations

from dataclasses import dataclass, field

R, NR = True, False

# Control subfields defined in (nearly) every variable data field: Appendix A, "Control subfields"
# https://www.loc.gov/marc/bibliographic/ecbdcntf.html ($6 Linkage NR, $7 Data provenance R,
# $8 Field link and sequence number R).
CONTROL_SUBFIELDS = {"6": NR, "7": R, "8": R}
# Authority/URI subfields of the access fields (1XX, 6XX, 7XX, 8XX): $0 Authority record control
# number or standard number (R), $1 Real World Object URI (R).
AUTH = {"0": R, "1": R}


@dataclass(frozen=True)
class FieldDef:
    tag: str
    name: str  # Vietnamese name, shown in messages
    repeatable: bool
    ind1: str | None = None
    ind2: str | None = None
    subfields: dict = field(default_factory=dict)
    page: str = ""  # the LoC page

    def allowed_subfields(self) -> dict:
        return {**CONTROL_SUBFIELDS, **self.subfields}


def _f(tag, name, rep, ind1, ind2, subs, extra=None):
    s = dict(subs)
    if extra:
        s.update(extra)
    return FieldDef(tag, name, rep, ind1, ind2, s, f"https://www.loc.gov/marc/bibliographic/bd{tag}.html")


NONFILING = "0123456789"

# --- Personal/corporate name subfields shared by X00 / X10 (bd100.html, bd110.html) --------------
_X00 = {"a": NR, "b": NR, "c": R, "d": NR, "e": R, "f": NR, "g": R, "j": R, "k": R, "l": NR,
        "n": R, "p": R, "q": NR, "t": NR, "u": NR, "4": R}
_X10 = {"a": NR, "b": R, "c": R, "d": R, "e": R, "f": NR, "g": R, "k": R, "l": NR, "n": R, "p": R,
        "t": NR, "u": NR, "4": R}
# Subject subdivisions of 6XX ($v form, $x general, $y chronological, $z geographic): bd650.html.
_SUBDIV = {"v": R, "x": R, "y": R, "z": R}

FIELDS: dict[str, FieldDef] = {}
for _d in [
    # bd020.html: 020 International Standard Book Number (R); indicators undefined.
    _f("020", "Chỉ số ISBN", R, None, None, {"a": NR, "c": NR, "q": R, "z": R}),
    # bd022.html: 022 ISSN (R); ind1 level of international interest (blank, 0, 1); ind2 undefined.
    _f("022", "Chỉ số ISSN", R, " 01", None, {"a": NR, "l": NR, "m": R, "y": R, "z": R, "2": NR}),
    # bd040.html: 040 Cataloging Source (NR); indicators undefined.
    _f("040", "Nguồn biên mục", NR, None, None, {"a": NR, "b": NR, "c": NR, "d": R, "e": R}),
    # bd041.html: 041 Language Code (R); ind1 translation indication (blank, 0 not a translation,
    # 1 is or includes a translation); ind2 source of code (blank MARC code list, 7 source in $2).
    _f("041", "Mã ngôn ngữ", R, " 01", " 7",
       {"a": R, "b": R, "d": R, "e": R, "f": R, "g": R, "h": R, "i": R, "j": R, "k": R, "m": R,
        "n": R, "p": R, "q": R, "r": R, "t": R, "2": NR}),
    # bd082.html: 082 Dewey Decimal Classification Number (R); ind1 type of edition (0 full,
    # 1 abridged, 7 other edition specified in $2); ind2 source (blank, 0 LC, 4 other agency).
    _f("082", "Chỉ số phân loại DDC", R, "017", " 04", {"a": R, "b": NR, "m": NR, "q": NR, "2": NR}),
    # bd084.html: 084 Other Classification Number (R); indicators undefined; $2 source.
    _f("084", "Chỉ số phân loại khác", R, None, None, {"a": R, "b": NR, "q": NR, "2": NR}, AUTH),
    # bd100.html: 100 Main Entry - Personal Name (NR); ind1 0 forename, 1 surname, 3 family name;
    # ind2 undefined.
    _f("100", "Tiêu đề chính - tên cá nhân", NR, "013", None, _X00, {**AUTH, "2": NR}),
    # bd110.html: 110 Main Entry - Corporate Name (NR); ind1 0 inverted name, 1 jurisdiction name,
    # 2 name in direct order; ind2 undefined.
    _f("110", "Tiêu đề chính - tên tập thể", NR, "012", None, _X10, {**AUTH, "2": NR}),
    # bd130.html: 130 Main Entry - Uniform Title (NR); ind1 nonfiling characters; ind2 undefined.
    _f("130", "Tiêu đề chính - nhan đề đồng nhất", NR, NONFILING, None,
       {"a": NR, "d": R, "f": NR, "g": R, "h": NR, "k": R, "l": NR, "m": R, "n": R, "o": NR,
        "p": R, "r": NR, "s": R, "t": NR}, {**AUTH, "2": NR}),
    # bd240.html: 240 Uniform Title (NR); ind1 0 not printed/displayed, 1 printed/displayed;
    # ind2 nonfiling characters.
    _f("240", "Nhan đề đồng nhất", NR, "01", NONFILING,
       {"a": NR, "d": R, "f": NR, "g": R, "h": NR, "k": R, "l": NR, "m": R, "n": R, "o": NR,
        "p": R, "r": NR, "s": R}, {**AUTH, "2": NR}),
    # bd245.html: 245 Title Statement (NR); ind1 title added entry (0 no, 1 yes);
    # ind2 nonfiling characters 0-9.
    _f("245", "Nhan đề chính", NR, "01", NONFILING,
       {"a": NR, "b": NR, "c": NR, "f": NR, "g": NR, "h": NR, "k": R, "n": R, "p": R, "s": NR}),
    # bd246.html: 246 Varying Form of Title (R); ind1 0-3 note/added entry controller;
    # ind2 blank, 0-8 type of title.
    _f("246", "Dạng khác của nhan đề", R, "0123", " 012345678",
       {"a": NR, "b": NR, "f": NR, "g": R, "h": NR, "i": NR, "n": R, "p": R, "5": NR}),
    # bd250.html: 250 Edition Statement (R); indicators undefined.
    _f("250", "Thông tin lần xuất bản", R, None, None, {"a": NR, "b": NR, "3": NR}),
    # bd260.html: 260 Publication, Distribution, etc. (Imprint) (R); ind1 sequence (blank, 2, 3);
    # ind2 undefined.
    _f("260", "Xuất bản, phát hành (AACR2)", R, " 23", None,
       {"a": R, "b": R, "c": R, "e": R, "f": R, "g": R, "3": NR}),
    # bd264.html: 264 Production, Publication, Distribution, Manufacture, and Copyright Notice (R);
    # ind1 sequence (blank, 2, 3); ind2 function 0 production, 1 publication, 2 distribution,
    # 3 manufacture, 4 copyright notice date.
    _f("264", "Xuất bản, phát hành (RDA)", R, " 23", "01234", {"a": R, "b": R, "c": R, "3": NR}),
    # bd300.html: 300 Physical Description (R); indicators undefined.
    _f("300", "Mô tả vật lý", R, None, None,
       {"a": R, "b": NR, "c": R, "e": NR, "f": R, "g": R, "3": NR}),
    # bd336.html, bd337.html, bd338.html: Content / Media / Carrier Type (R); indicators undefined.
    _f("336", "Loại nội dung", R, None, None, {"a": R, "b": R, "3": NR, "2": NR}, AUTH),
    _f("337", "Loại phương tiện", R, None, None, {"a": R, "b": R, "3": NR, "2": NR}, AUTH),
    _f("338", "Loại vật mang tin", R, None, None, {"a": R, "b": R, "3": NR, "2": NR}, AUTH),
    # bd490.html: 490 Series Statement (R); ind1 series tracing policy (0 not traced, 1 traced
    # differently, i.e. in 8XX); ind2 undefined.
    _f("490", "Tùng thư", R, "01", None,
       {"a": R, "l": NR, "v": R, "x": R, "y": R, "z": R, "3": NR}),
    # bd500.html: 500 General Note (R); indicators undefined.
    _f("500", "Phụ chú chung", R, None, None, {"a": NR, "3": NR, "5": NR}),
    # bd504.html: 504 Bibliography, Etc. Note (R); indicators undefined.
    _f("504", "Phụ chú thư mục", R, None, None, {"a": NR, "b": NR}),
    # bd505.html: 505 Formatted Contents Note (R); ind1 0 contents, 1 incomplete, 2 partial,
    # 8 no display constant; ind2 blank basic, 0 enhanced.
    _f("505", "Phụ chú nội dung", R, "0128", " 0",
       {"a": NR, "g": R, "r": R, "t": R, "u": R}),
    # bd520.html: 520 Summary, Etc. (R); ind1 blank, 0-4, 8; ind2 undefined.
    _f("520", "Tóm tắt", R, " 012348", None,
       {"a": NR, "b": NR, "c": NR, "u": R, "2": NR, "3": NR}),
    # bd546.html: 546 Language Note (R); indicators undefined.
    _f("546", "Phụ chú ngôn ngữ", R, None, None, {"a": NR, "b": R, "3": NR}),
    # bd600.html: 600 Subject Added Entry - Personal Name (R); ind1 0, 1, 3; ind2 thesaurus
    # 0-7 (0 LCSH, 4 source not specified, 7 source in $2).
    _f("600", "Tiêu đề chủ đề - tên cá nhân", R, "013", "01234567", _X00,
       {**AUTH, **_SUBDIV, "2": NR, "3": NR}),
    # bd610.html: 610 Subject Added Entry - Corporate Name (R).
    _f("610", "Tiêu đề chủ đề - tên tập thể", R, "012", "01234567", _X10,
       {**AUTH, **_SUBDIV, "2": NR, "3": NR}),
    # bd650.html: 650 Subject Added Entry - Topical Term (R); ind1 level of subject (blank, 0, 1, 2);
    # ind2 thesaurus 0-7.
    _f("650", "Tiêu đề chủ đề - thuật ngữ", R, " 012", "01234567",
       {"a": NR, "b": NR, "c": NR, "d": NR, "e": R, "g": R, "4": R, "2": NR, "3": NR},
       {**AUTH, **_SUBDIV}),
    # bd651.html: 651 Subject Added Entry - Geographic Name (R); ind1 undefined; ind2 thesaurus 0-7.
    _f("651", "Tiêu đề chủ đề - địa danh", R, None, "01234567",
       {"a": NR, "e": R, "g": R, "4": R, "2": NR, "3": NR}, {**AUTH, **_SUBDIV}),
    # bd653.html: 653 Index Term - Uncontrolled (R); ind1 level (blank, 0-2); ind2 type (blank, 0-6).
    _f("653", "Từ khóa tự do", R, " 012", " 0123456", {"a": R}),
    # bd700.html: 700 Added Entry - Personal Name (R); ind1 0, 1, 3; ind2 blank (no information),
    # 2 analytical entry.
    _f("700", "Tiêu đề bổ sung - tên cá nhân", R, "013", " 2", {**_X00, "h": NR, "i": R, "m": R,
       "o": NR, "r": NR, "s": R, "x": NR, "3": NR, "5": NR}, {**AUTH, "2": NR}),
    # bd710.html: 710 Added Entry - Corporate Name (R); ind1 0, 1, 2; ind2 blank, 2.
    _f("710", "Tiêu đề bổ sung - tên tập thể", R, "012", " 2", {**_X10, "h": NR, "i": R, "m": R,
       "o": NR, "r": NR, "s": R, "x": NR, "3": NR, "5": NR}, {**AUTH, "2": NR}),
    # bd830.html: 830 Series Added Entry - Uniform Title (R); ind1 undefined; ind2 nonfiling 0-9.
    _f("830", "Tiêu đề bổ sung tùng thư - nhan đề đồng nhất", R, None, NONFILING,
       {"a": NR, "d": R, "f": NR, "g": R, "h": NR, "k": R, "l": NR, "m": R, "n": R, "o": NR,
        "p": R, "r": NR, "s": R, "t": NR, "v": NR, "w": R, "x": NR, "3": NR, "5": NR}, AUTH),
    # bd856.html: 856 Electronic Location and Access (R); ind1 access method (blank, 0-4, 7);
    # ind2 relationship (blank, 0-2, 8).
    _f("856", "Địa chỉ tài nguyên điện tử", R, " 012347", " 0128",
       {"a": R, "b": R, "c": R, "d": R, "f": R, "h": NR, "i": R, "j": NR, "k": NR, "l": NR,
        "m": R, "n": NR, "o": NR, "p": NR, "q": NR, "r": NR, "s": R, "t": R, "u": R, "v": R,
        "w": R, "x": R, "y": R, "z": R, "2": NR, "3": NR}),
]:
    FIELDS[_d.tag] = _d

# Control fields (bd001.html, bd003.html, bd005.html, bd006.html, bd007.html, bd008.html): all NR
# except 006 and 007 (R). They have no indicators and no subfields.
CONTROL_FIELDS = {
    "001": ("Số kiểm soát", False),
    "003": ("Mã cơ quan cấp số kiểm soát", False),
    "005": ("Ngày giờ giao dịch cuối", False),
    "006": ("Đặc trưng bổ sung", True),
    "007": ("Đặc trưng vật lý", True),
    "008": ("Dữ liệu có độ dài cố định", False),
}
# bd005.html: 005 is 16 characters, yyyymmddhhmmss.f
LENGTHS = {"LDR": 24, "008": 40, "005": 16, "006": 18}

# Required in every biểu ghi of this platform: the leader (bdleader.html), 008 (bd008.html),
# and 245 (bd245.html; "a title statement is required").
REQUIRED = ("LDR", "008", "245")

# Other tags defined by MARC 21 Bibliographic that are accepted but not checked in detail
# (https://www.loc.gov/marc/bibliographic/ , the list of fields on the index page).
OTHER_DEFINED_TAGS = set("""
010 013 015 016 017 018 024 025 026 027 028 030 031 032 033 034 035 036 037 038 042 043 044 045
046 047 048 050 051 052 055 060 061 066 070 071 072 074 080 083 085 086 088 111 210 222 242 243
247 251 254 255 256 257 258 263 270 306 307 310 321 334 335 340 341 342 343 344 345 346 347 348
351 352 355 357 362 363 365 366 370 377 380 381 382 383 384 385 386 387 388 501 502 506 507 508
510 511 513 514 515 516 518 521 522 524 525 526 530 532 533 534 535 536 538 540 541 542 544 545
547 550 552 555 556 561 562 563 565 567 580 581 583 584 585 586 588 611 630 647 648 654 655 656
657 658 662 688 711 720 730 740 751 752 753 754 758 760 762 765 767 770 772 773 774 775 776 777
780 785 786 787 788 800 810 811 841 842 843 844 845 850 852 853 854 855 863 864 865 866 867 868
876 877 878 880 881 882 883 884 885 886 887
""".split())
# Obsolete tags still found in older records (e.g. 440, made obsolete in 2008: bd440.html is
# listed under "Obsolete"). Reported as a warning, not an error.
OBSOLETE_TAGS = {"440": "dùng 490 (ind1 1) kèm 830", "503": "dùng 500", "512": "dùng 500",
                 "570": "dùng 500", "582": "dùng 500", "652": "dùng 650"}


def is_local(tag: str) -> bool:
    """9XX and X9X tags are for local use (bdintro.html, "Local fields")."""
    return len(tag) == 3 and (tag[0] == "9" or tag[1] == "9")


# --- Leader and 008 positions (bdleader.html, bd008.html, bd008b.html) ---------------------------
# (start, end inclusive, Vietnamese name, allowed values or None = not checked)
LEADER_POSITIONS = [
    (5, 5, "Trạng thái biểu ghi", "acdnp"),
    (6, 6, "Loại biểu ghi", "acdefgijkmoprt"),
    (7, 7, "Cấp thư mục", "abcdims"),
    (8, 8, "Kiểu kiểm soát", " a"),
    (9, 9, "Bộ mã ký tự", " a"),
    (17, 17, "Cấp mã hóa", " 12345678uz"),
    (18, 18, "Hình thức mô tả", " acinu"),
    (19, 19, "Yêu cầu biểu ghi liên kết/nhiều phần", " abc"),
]
# Leader positions that are structural constants (bdleader.html): 10 and 11 are "2",
# 20-23 are "4500".
LEADER_CONSTANTS = {10: "2", 11: "2", 20: "4", 21: "5", 22: "0", 23: "0"}

F008_ALL = [  # bd008a.html: positions for all materials
    (0, 5, "Ngày nhập biểu ghi", None),
    (6, 6, "Loại năm xuất bản", " bcdeikmnpqrstu|"),
    (7, 10, "Năm 1", None),
    (11, 14, "Năm 2", None),
    (15, 17, "Nơi xuất bản", None),
    (35, 37, "Ngôn ngữ", None),
    (38, 38, "Biểu ghi đã sửa đổi", " dorsx|"),
    (39, 39, "Nguồn biên mục", " cdu|"),
]
F008_BOOKS = [  # bd008b.html: positions 18-34 for books
    (18, 21, "Minh họa", None),
    (22, 22, "Đối tượng sử dụng", " abcdefgj|"),
    (23, 23, "Hình thức tài liệu", " abcdfoqrs|"),
    (24, 27, "Bản chất nội dung", None),
    (28, 28, "Xuất bản phẩm chính phủ", " acfilmosuz|"),
    (29, 29, "Ấn phẩm hội nghị", "01|"),
    (30, 30, "Ấn phẩm kỷ niệm", "01|"),
    (31, 31, "Bảng tra", "01|"),
    (33, 33, "Thể loại văn học", "01defhijmpsu|"),
    (34, 34, "Tiểu sử", " abcd|"),
]


def f008_positions(leader: str) -> list:
    """The 008 position groups to check/compare, depending on the leader (books or other)."""
    is_book = len(leader) >= 8 and leader[6] in "at" and leader[7] in "acdm"
    rest = F008_BOOKS if is_book else [(18, 34, "Dữ liệu riêng theo loại tài liệu", None)]
    return sorted(F008_ALL + rest)


def field_name(tag: str) -> str:
    if tag == "LDR":
        return "Đầu biểu"
    if tag in FIELDS:
        return FIELDS[tag].name
    if tag in CONTROL_FIELDS:
        return CONTROL_FIELDS[tag][0]
    return ""
