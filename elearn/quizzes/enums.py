"""The quizzes' states and choices, each with its label: the one place for them.

Every member is a ``str`` (``enum.StrEnum``), so it is stored, compared and written to JSON as its
value: ``AttemptState.FINISHED == "finished"``, and rows read back from the database compare equal to
the members. ``member.label`` is the Vietnamese label (lazy, translated when shown); ``choices()``
gives the (value, label) pairs of a select field. The database's CHECK constraints are built from
the members too (``sql_in``), so a new member and its constraint cannot drift apart (the constraint
itself still needs a migration)."""
import enum

from flask_babel import lazy_gettext as _l


class Labelled(enum.StrEnum):
    """A StrEnum whose members are written ``NAME = "value", _l("Nhãn")``."""

    def __new__(cls, value, label=None):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label if label is not None else value
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]

    @classmethod
    def values(cls) -> tuple[str, ...]:
        return tuple(m.value for m in cls)

    @classmethod
    def sql_in(cls, column: str) -> str:
        """``column IN ('a', 'b')`` for a CHECK constraint."""
        return f"{column} IN ({', '.join(repr(m.value) for m in cls)})"


class AttemptState(Labelled):
    IN_PROGRESS = "inprogress", _l("Đang làm")
    FINISHED = "finished", _l("Đã nộp")
    ABANDONED = "abandoned", _l("Không được tính")


class GradingMethod(Labelled):
    """How the quiz grade is taken from a trainee's graded attempts (``grading.quiz_grade``)."""

    HIGHEST = "highest", _l("Lượt cao nhất")
    AVERAGE = "average", _l("Trung bình các lượt")
    FIRST = "first", _l("Lượt đầu tiên")
    LAST = "last", _l("Lượt cuối cùng")


class Overdue(Labelled):
    """What happens to an attempt in progress when its time is up."""

    AUTOSUBMIT = "autosubmit", _l("Tự động nộp bài")
    GRACE_PERIOD = "graceperiod", _l("Cho thêm thời gian để nộp (không sửa câu trả lời)")
    AUTOABANDON = "autoabandon", _l("Không tính lượt làm nếu chưa nộp")


class ReviewTime(Labelled):
    """The moments of the review options (``permissions.review_options``)."""

    DURING = "during", _l("Trong khi làm")
    IMMEDIATELY = "immediately", _l("Ngay sau khi nộp")
    OPEN = "open", _l("Sau đó, khi bài còn mở")
    CLOSED = "closed", _l("Sau khi bài đóng")


class ReviewItem(Labelled):
    """What the review options may let a trainee see at each moment."""

    RESPONSES = "responses", _l("Câu trả lời")
    CORRECTNESS = "correctness", _l("Đúng/sai")
    MARKS = "marks", _l("Điểm")
    FEEDBACK = "feedback", _l("Phản hồi")
    RIGHT_ANSWER = "right_answer", _l("Đáp án đúng")
    GRADER_INFO = "grader_info", _l("Hướng dẫn chấm (tự luận)")


class Correctness(Labelled):
    """A graded answer in the review: right, partly right or wrong (``grading.correctness``)."""

    RIGHT = "right", _l("Đúng")
    PARTIAL = "partial", _l("Đúng một phần")
    WRONG = "wrong", _l("Sai")
