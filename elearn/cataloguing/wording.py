"""Vietnamese wording of the checker's messages: what indicator values mean, subfield names."""
from __future__ import annotations

from .records import Field, Record, write_mrk

# What the common indicator values mean (bd041.html, bd082.html, bd100.html, bd245.html,
# bd246.html, bd264.html, bd490.html, bd650.html, bd700.html): used to say *why* in messages.
IND_MEANING = {
    ("041", 1): {"0": "không phải bản dịch", "1": "là bản dịch hoặc có phần dịch", " ": "không có thông tin"},
    ("082", 1): {"0": "bản DDC đầy đủ", "1": "bản DDC rút gọn", "7": "bản khác, ghi ở $2"},
    ("082", 2): {" ": "không có thông tin", "0": "do Thư viện Quốc hội Mỹ gán", "4": "do cơ quan khác gán"},
    ("100", 1): {"0": "tên viết thuận (tên riêng)", "1": "họ đứng trước, có dấu phẩy", "3": "tên dòng họ"},
    ("700", 1): {"0": "tên viết thuận (tên riêng)", "1": "họ đứng trước, có dấu phẩy", "3": "tên dòng họ"},
    ("600", 1): {"0": "tên viết thuận (tên riêng)", "1": "họ đứng trước, có dấu phẩy", "3": "tên dòng họ"},
    ("110", 1): {"0": "tên đảo", "1": "tên pháp quyền (địa danh hành chính)", "2": "tên viết thuận"},
    ("710", 1): {"0": "tên đảo", "1": "tên pháp quyền (địa danh hành chính)", "2": "tên viết thuận"},
    ("245", 1): {"0": "không tạo tiêu đề bổ sung cho nhan đề (biểu ghi không có trường 1XX)",
                 "1": "tạo tiêu đề bổ sung cho nhan đề (biểu ghi có trường 1XX)"},
    ("245", 2): {d: f"bỏ qua {d} ký tự đầu khi sắp xếp" for d in "0123456789"},
    ("240", 2): {d: f"bỏ qua {d} ký tự đầu khi sắp xếp" for d in "0123456789"},
    ("830", 2): {d: f"bỏ qua {d} ký tự đầu khi sắp xếp" for d in "0123456789"},
    ("246", 1): {"0": "có phụ chú, không tạo tiêu đề bổ sung", "1": "có phụ chú và tiêu đề bổ sung",
                 "2": "không phụ chú, không tiêu đề bổ sung", "3": "không phụ chú, có tiêu đề bổ sung"},
    ("246", 2): {" ": "không xác định loại", "0": "một phần nhan đề", "1": "nhan đề song song",
                 "2": "nhan đề riêng", "3": "nhan đề khác", "4": "nhan đề ngoài bìa",
                 "5": "nhan đề trang tên phụ", "6": "nhan đề đầu trang", "7": "nhan đề chạy",
                 "8": "nhan đề gáy sách"},
    ("264", 2): {"0": "sản xuất", "1": "xuất bản", "2": "phát hành", "3": "in, chế tạo", "4": "năm bản quyền"},
    ("490", 1): {"0": "tùng thư không làm tiêu đề bổ sung", "1": "tùng thư có tiêu đề bổ sung ở trường 8XX"},
    ("650", 2): {"0": "Bộ tiêu đề chủ đề của Thư viện Quốc hội Mỹ (LCSH)", "4": "không rõ nguồn",
                 "7": "nguồn ghi ở trường con $2"},
    ("651", 2): {"0": "Bộ tiêu đề chủ đề của Thư viện Quốc hội Mỹ (LCSH)", "4": "không rõ nguồn",
                 "7": "nguồn ghi ở trường con $2"},
}
SUBFIELD_NAME = {
    ("020", "a"): "ISBN", ("020", "c"): "giá tiền", ("041", "a"): "ngôn ngữ văn bản",
    ("041", "h"): "ngôn ngữ gốc", ("082", "a"): "chỉ số phân loại", ("082", "b"): "số tác giả",
    ("082", "2"): "lần xuất bản DDC", ("100", "a"): "tên cá nhân", ("100", "d"): "năm sinh, năm mất",
    ("100", "e"): "thuật ngữ chỉ trách nhiệm", ("245", "a"): "nhan đề chính",
    ("245", "b"): "phần còn lại của nhan đề", ("245", "c"): "thông tin trách nhiệm",
    ("245", "n"): "số phần", ("245", "p"): "tên phần", ("246", "a"): "nhan đề",
    ("250", "a"): "lần xuất bản", ("260", "a"): "nơi xuất bản", ("260", "b"): "nhà xuất bản",
    ("260", "c"): "năm xuất bản", ("264", "a"): "nơi xuất bản", ("264", "b"): "nhà xuất bản",
    ("264", "c"): "năm xuất bản", ("300", "a"): "số trang, số tập", ("300", "b"): "minh họa",
    ("300", "c"): "khổ sách", ("300", "e"): "tài liệu kèm theo", ("490", "a"): "tên tùng thư",
    ("490", "v"): "số thứ tự trong tùng thư", ("500", "a"): "phụ chú", ("504", "a"): "phụ chú thư mục",
    ("650", "a"): "chủ đề", ("650", "x"): "phụ đề chung", ("650", "y"): "phụ đề thời gian",
    ("650", "z"): "phụ đề địa lý", ("650", "v"): "phụ đề hình thức", ("651", "a"): "địa danh",
    ("700", "a"): "tên cá nhân", ("700", "e"): "thuật ngữ chỉ trách nhiệm",
    ("830", "a"): "nhan đề đồng nhất của tùng thư", ("830", "v"): "số thứ tự trong tùng thư",
}


def _ind_text(tag: str, n: int, value: str) -> str:
    shown = "\\" if value == " " else value
    meaning = IND_MEANING.get((tag, n), {}).get(value)
    return f"'{shown}' ({meaning})" if meaning else f"'{shown}'"


def _sub_label(tag: str, code: str) -> str:
    name = SUBFIELD_NAME.get((tag, code))
    return f"${code} ({name})" if name else f"${code}"


def field_to_mrk(f: Field) -> str:
    return write_mrk(Record(leader=None, fields=[f])).strip()
