"""Tests for the Moodle XML importer (pure functions: no app, no database).

The realistic export below and its GIFT twin must parse to equal questions except:

* ``line``: XML questions carry the line of their ``<question`` tag, GIFT ones of their first line;
* ``text_format``: a ``<questiontext>`` without a ``format`` attribute is "html" (Moodle's default
  for XML), while GIFT text without a ``[format]`` prefix is "moodle". The twin files below spell
  the format out on both sides (``[html]`` in GIFT, ``format="moodle_auto_format"`` in XML) so
  they compare equal; ``test_format_defaults_differ_between_xml_and_gift`` pins the difference.
"""
import dataclasses

import pytest

from elearn.quizzes import gift, moodlexml, types

MOODLE_XML = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
<!-- question: 0  -->
  <question type="category">
    <category>
      <text>$course$/top/Pháp luật thư viện/Tổng quan</text>
    </category>
    <info format="moodle_auto_format">
      <text>Câu hỏi về Luật Thư viện số 46/2019/QH14</text>
    </info>
    <idnumber></idnumber>
  </question>

<!-- question: 101  -->
  <question type="multichoice">
    <name>
      <text>M1-01 Số hiệu Luật</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[<p>Số hiệu của Luật Thư viện hiện hành là gì?</p>]]></text>
    </questiontext>
    <generalfeedback format="html">
      <text><![CDATA[<p>Luật Thư viện số 46/2019/QH14, thông qua ngày 21/11/2019.</p>]]></text>
    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
    <single>true</single>
    <shuffleanswers>true</shuffleanswers>
    <answernumbering>abc</answernumbering>
    <showstandardinstruction>0</showstandardinstruction>
    <correctfeedback format="html">
      <text>Câu trả lời của bạn đúng.</text>
    </correctfeedback>
    <partiallycorrectfeedback format="html">
      <text>Câu trả lời của bạn đúng một phần.</text>
    </partiallycorrectfeedback>
    <incorrectfeedback format="html">
      <text>Câu trả lời của bạn chưa đúng.</text>
    </incorrectfeedback>
    <shownumcorrect/>
    <answer fraction="100" format="html">
      <text><![CDATA[<p>46/2019/QH14</p>]]></text>
      <feedback format="html">
        <text>Đúng. Luật Thư viện số 46/2019/QH14.</text>
      </feedback>
    </answer>
    <answer fraction="-50" format="html">
      <text><![CDATA[<p>31/2000/PL-UBTVQH10</p>]]></text>
      <feedback format="html">
        <text>Đây là số hiệu Pháp lệnh Thư viện năm 2000.</text>
      </feedback>
    </answer>
    <answer fraction="0" format="html">
      <text><![CDATA[<p>93/2020/NĐ-CP</p>]]></text>
      <feedback format="html">
        <text></text>
      </feedback>
    </answer>
  </question>

<!-- question: 102  -->
  <question type="multichoice">
    <name>
      <text>M1-11 Tài nguyên thông tin</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[<p>Những gì dưới đây là tài nguyên thông tin? (Chọn tất cả đáp án đúng)</p>]]></text>
    </questiontext>
    <generalfeedback format="html">
      <text></text>
    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <single>false</single>
    <shuffleanswers>true</shuffleanswers>
    <answernumbering>abc</answernumbering>
    <answer fraction="33.33333" format="html">
      <text>Tài liệu in</text>
      <feedback format="html"><text>Đúng.</text></feedback>
    </answer>
    <answer fraction="33.33333" format="html">
      <text>Tài liệu số</text>
      <feedback format="html"><text></text></feedback>
    </answer>
    <answer fraction="33.33333" format="html">
      <text>Tài liệu nghe, nhìn</text>
      <feedback format="html"><text></text></feedback>
    </answer>
    <answer fraction="-100" format="plain_text">
      <text>Bàn ghế &amp; giá sách &lt;phòng đọc&gt;</text>
      <feedback format="html"><text>Đây là tài sản, trang thiết bị.</text></feedback>
    </answer>
  </question>

<!-- question: 103  -->
  <question type="multichoice">
    <name>
      <text>M1-12 Cấp thành lập</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[<p>Thư viện công cộng cấp _____ do Ủy ban nhân dân tỉnh thành lập.</p>]]></text>
    </questiontext>
    <generalfeedback format="html">
      <text></text>
    </generalfeedback>
    <single>true</single>
    <answer fraction="0" format="html">
      <text>huyện</text>
    </answer>
    <answer fraction="100" format="html">
      <text>tỉnh</text>
    </answer>
    <answer fraction="0" format="html">
      <text>xã</text>
    </answer>
  </question>

<!-- question: 104  -->
  <question type="truefalse">
    <name>
      <text>M1-07 Văn bản bị thay thế</text>
    </name>
    <questiontext format="moodle_auto_format">
      <text>Luật Thư viện được thông qua năm 2020.</text>
    </questiontext>
    <generalfeedback format="moodle_auto_format">
      <text>Luật được thông qua ngày 21/11/2019.</text>
    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>1.0000000</penalty>
    <hidden>0</hidden>
    <answer fraction="0" format="moodle_auto_format">
      <text>true</text>
      <feedback format="moodle_auto_format">
        <text>Sai rồi.</text>
      </feedback>
    </answer>
    <answer fraction="100" format="moodle_auto_format">
      <text>false</text>
      <feedback format="moodle_auto_format">
        <text>Chính xác.</text>
      </feedback>
    </answer>
  </question>

  <question type="category">
    <category>
      <text>$course$/top/Pháp luật thư viện/Mạng lưới</text>
    </category>
  </question>

<!-- question: 201  -->
  <question type="shortanswer">
    <name>
      <text>M2-03 Viết tắt DDC</text>
    </name>
    <questiontext format="plain_text">
      <text>Khung phân loại thập phân Dewey viết tắt là gì?</text>
    </questiontext>
    <generalfeedback format="html">
      <text></text>
    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <usecase>0</usecase>
    <answer fraction="100" format="moodle_auto_format">
      <text>DDC</text>
      <feedback format="html">
        <text>Đúng.</text>
      </feedback>
    </answer>
    <answer fraction="50" format="moodle_auto_format">
      <text>Dewey*</text>
      <feedback format="html">
        <text>Đúng một phần.</text>
      </feedback>
    </answer>
  </question>

<!-- question: 202  -->
  <question type="numerical">
    <name>
      <text>M2-08 Số pi</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[<p>Giá trị của số pi (làm tròn 2 chữ số thập phân)?</p>]]></text>
    </questiontext>
    <generalfeedback format="html">
      <text>Số pi xấp xỉ 3,14159.</text>
    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <answer fraction="100" format="moodle_auto_format">
      <text>3.14</text>
      <feedback format="html">
        <text>Rất tốt.</text>
      </feedback>
      <tolerance>0.005</tolerance>
    </answer>
    <answer fraction="50" format="moodle_auto_format">
      <text>3.1</text>
      <feedback format="html">
        <text>Gần đúng.</text>
      </feedback>
      <tolerance>0.1</tolerance>
    </answer>
    <answer fraction="0" format="moodle_auto_format">
      <text>*</text>
      <feedback format="html">
        <text>Chưa đúng.</text>
      </feedback>
      <tolerance>0</tolerance>
    </answer>
    <unitgradingtype>0</unitgradingtype>
    <unitpenalty>0.1000000</unitpenalty>
    <showunits>3</showunits>
    <unitsleft>0</unitsleft>
  </question>

<!-- question: 203  -->
  <question type="numerical">
    <name>
      <text>M1-04 Số điều của Luật</text>
    </name>
    <questiontext format="moodle_auto_format">
      <text>Luật Thư viện số 46/2019/QH14 có bao nhiêu điều?</text>
    </questiontext>
    <generalfeedback format="html">
      <text></text>
    </generalfeedback>
    <answer fraction="100" format="moodle_auto_format">
      <text>52</text>
      <feedback format="html">
        <text></text>
      </feedback>
      <tolerance>0</tolerance>
    </answer>
  </question>

<!-- question: 204  -->
  <question type="matching">
    <name>
      <text>M1-08 Tên các chương</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[<p>Ghép mỗi chương của Luật Thư viện với tên của chương đó.</p>]]></text>
    </questiontext>
    <generalfeedback format="html">
      <text></text>
    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <shuffleanswers>true</shuffleanswers>
    <correctfeedback format="html">
      <text>Câu trả lời của bạn đúng.</text>
    </correctfeedback>
    <subquestion format="html">
      <text><![CDATA[<p>Chương I</p>]]></text>
      <answer>
        <text>Những quy định chung</text>
      </answer>
    </subquestion>
    <subquestion format="html">
      <text><![CDATA[<p>Chương II</p>]]></text>
      <answer>
        <text>Thành lập thư viện</text>
      </answer>
    </subquestion>
    <subquestion format="html">
      <text><![CDATA[<p>Chương III</p>]]></text>
      <answer>
        <text>Hoạt động thư viện</text>
      </answer>
    </subquestion>
    <subquestion format="html">
      <text></text>
      <answer>
        <text>Điều khoản thi hành</text>
      </answer>
    </subquestion>
  </question>

<!-- question: 205  -->
  <question type="essay">
    <name>
      <text>M2-10 Vai trò thư viện xã</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[<p>Trình bày vai trò của thư viện cấp xã trong mạng lưới thư viện công cộng.</p>]]></text>
    </questiontext>
    <generalfeedback format="html">
      <text><![CDATA[<p>Nêu ít nhất ba vai trò.</p>]]></text>
    </generalfeedback>
    <defaultgrade>5.0000000</defaultgrade>
    <penalty>0.0000000</penalty>
    <hidden>0</hidden>
    <responseformat>editor</responseformat>
    <responserequired>1</responserequired>
    <responsefieldlines>15</responsefieldlines>
    <attachments>0</attachments>
    <graderinfo format="html">
      <text>Mỗi vai trò đúng được 1 điểm.</text>
    </graderinfo>
    <responsetemplate format="html">
      <text></text>
    </responsetemplate>
  </question>

<!-- question: 206  -->
  <question type="description">
    <name>
      <text>Giới thiệu phần 2</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[<p>Các câu sau nói về mạng lưới thư viện {cấp tỉnh &amp; cấp xã}.</p>]]></text>
    </questiontext>
    <generalfeedback format="html">
      <text></text>
    </generalfeedback>
    <defaultgrade>0.0000000</defaultgrade>
    <penalty>0.0000000</penalty>
    <hidden>0</hidden>
  </question>

</quiz>
"""

EQUIVALENT_GIFT = r"""$CATEGORY: Pháp luật thư viện/Tổng quan

::M1-01 Số hiệu Luật::[html]<p>Số hiệu của Luật Thư viện hiện hành là gì?</p>{
=<p>46/2019/QH14</p>#Đúng. Luật Thư viện số 46/2019/QH14.
~%-50%<p>31/2000/PL-UBTVQH10</p>#Đây là số hiệu Pháp lệnh Thư viện năm 2000.
~<p>93/2020/NĐ-CP</p>
####<p>Luật Thư viện số 46/2019/QH14, thông qua ngày 21/11/2019.</p>}

::M1-11 Tài nguyên thông tin::[html]<p>Những gì dưới đây là tài nguyên thông tin? (Chọn tất cả đáp án đúng)</p>{
~%33.33333%Tài liệu in#Đúng.
~%33.33333%Tài liệu số
~%33.33333%Tài liệu nghe, nhìn
~%-100%[plain]Bàn ghế & giá sách <phòng đọc>#Đây là tài sản, trang thiết bị.
}

::M1-12 Cấp thành lập::[html]<p>Thư viện công cộng cấp {~huyện =tỉnh ~xã} do Ủy ban nhân dân tỉnh thành lập.</p>

::M1-07 Văn bản bị thay thế::Luật Thư viện được thông qua năm 2020.{F#Sai rồi.#Chính xác.####Luật được thông qua ngày 21/11/2019.}

$CATEGORY: Pháp luật thư viện/Mạng lưới

::M2-03 Viết tắt DDC::[plain]Khung phân loại thập phân Dewey viết tắt là gì?{
=DDC#Đúng.
=%50%Dewey*#Đúng một phần.
}

::M2-08 Số pi::[html]<p>Giá trị của số pi (làm tròn 2 chữ số thập phân)?</p>{#
=3.14:0.005#Rất tốt.
=%50%3.1:0.1#Gần đúng.
~#Chưa đúng.
####Số pi xấp xỉ 3,14159.}

::M1-04 Số điều của Luật::Luật Thư viện số 46/2019/QH14 có bao nhiêu điều?{#52}

::M1-08 Tên các chương::[html]<p>Ghép mỗi chương của Luật Thư viện với tên của chương đó.</p>{
=<p>Chương I</p> -> Những quy định chung
=<p>Chương II</p> -> Thành lập thư viện
=<p>Chương III</p> -> Hoạt động thư viện
= -> Điều khoản thi hành
}

::M2-10 Vai trò thư viện xã::[html]<p>Trình bày vai trò của thư viện cấp xã trong mạng lưới thư viện công cộng.</p>{####<p>Nêu ít nhất ba vai trò.</p>}

::Giới thiệu phần 2::[html]<p>Các câu sau nói về mạng lưới thư viện \{cấp tỉnh &amp; cấp xã\}.</p>
"""


def without_lines(questions):
    return [dataclasses.replace(q, line=0) for q in questions]


def xml_of(*questions, head='<?xml version="1.0" encoding="UTF-8"?>\n'):
    return head + "<quiz>\n" + "\n".join(questions) + "\n</quiz>\n"


MC_OK = """  <question type="multichoice">
    <name><text>Tốt</text></name>
    <questiontext format="html"><text>Câu hỏi tốt?</text></questiontext>
    <answer fraction="100"><text>Có</text></answer>
    <answer fraction="0"><text>Không</text></answer>
  </question>"""


def test_realistic_export_equals_equivalent_gift():
    xml = moodlexml.parse(MOODLE_XML)
    assert xml.errors == []
    expected = gift.parse(EQUIVALENT_GIFT)
    assert expected.errors == []
    assert len(xml.questions) == len(expected.questions) == 10
    for got, want in zip(without_lines(xml.questions), without_lines(expected.questions)):
        assert got == want
    assert {q.qtype for q in xml.questions} == set(types.REGISTRY)


def test_realistic_export_details():
    qs = {q.title: q for q in moodlexml.parse(MOODLE_XML).questions}
    mc = qs["M1-01 Số hiệu Luật"]
    assert mc.category == ["Pháp luật thư viện", "Tổng quan"]
    assert mc.text_format == "html" and not mc.multiple
    assert [a.weight for a in mc.answers] == [100, -50, 0]
    assert qs["M1-11 Tài nguyên thông tin"].multiple
    assert [a.weight for a in qs["M1-11 Tài nguyên thông tin"].answers] == [33.33333] * 3 + [-100]
    assert qs["M1-11 Tài nguyên thông tin"].answers[3].text == "Bàn ghế & giá sách <phòng đọc>"
    assert qs["M1-12 Cấp thành lập"].missing_word
    assert qs["M2-03 Viết tắt DDC"].category == ["Pháp luật thư viện", "Mạng lưới"]
    assert qs["M2-03 Viết tắt DDC"].text_format == "plain"
    assert getattr(qs["M2-03 Viết tắt DDC"], "case_sensitive", False) is False
    pi = qs["M2-08 Số pi"].answers
    assert (pi[0].value, pi[0].tolerance, pi[0].text) == (3.14, 0.005, "3.14:0.005")
    assert pi[2].text == "*" and pi[2].value is None
    assert qs["M1-07 Văn bản bị thay thế"].text_format == "moodle"
    assert qs["M2-10 Vai trò thư viện xã"].general_feedback == "<p>Nêu ít nhất ba vai trò.</p>"


def test_line_numbers_are_the_question_tags():
    result = moodlexml.parse(MOODLE_XML)
    lines = MOODLE_XML.split("\n")
    for q in result.questions:
        assert lines[q.line - 1].strip().startswith("<question type="), q.line
        assert q.title in "\n".join(lines[q.line - 1:q.line + 3])


def test_imported_questions_store_and_export_as_gift():
    result = moodlexml.parse(MOODLE_XML)
    stored = [types.from_gift(q) for q in result.questions]
    back = [types.to_gift(*s, title=q.title, category=q.category) for s, q in zip(stored, result.questions)]
    assert without_lines(back) == without_lines(result.questions)
    reparsed = gift.parse(gift.export(back))
    assert reparsed.errors == []
    assert without_lines(reparsed.questions) == without_lines(result.questions)


def test_bytes_input_and_encodings():
    assert without_lines(moodlexml.parse(MOODLE_XML.encode("utf-8")).questions) == \
        without_lines(moodlexml.parse(MOODLE_XML).questions)
    utf16 = moodlexml.parse(MOODLE_XML.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"))
    assert utf16.errors == [] and len(utf16.questions) == 10
    bom = moodlexml.parse(b"\xef\xbb\xbf" + MOODLE_XML.encode("utf-8"))
    assert bom.errors == [] and len(bom.questions) == 10
    latin = xml_of('<question type="essay"><questiontext><text>Café à la carte?</text></questiontext></question>',
                   head='<?xml version="1.0" encoding="ISO-8859-1"?>\n')
    r = moodlexml.parse(latin.encode("iso-8859-1"))
    assert r.errors == [] and r.questions[0].text == "Café à la carte?"
    bad = moodlexml.parse(b"<quiz>\xff\xfe\xfa</quiz>")
    assert len(bad.errors) == 1 and bad.questions == []


def test_case_sensitive_short_answer():
    q = """  <question type="shortanswer">
    <name><text>Ký hiệu</text></name>
    <questiontext format="html"><text>Nhãn trường nhan đề chính trong MARC 21?</text></questiontext>
    <usecase>1</usecase>
    <answer fraction="100" format="moodle_auto_format"><text>245</text></answer>
    <answer fraction="100" format="moodle_auto_format"><text>Title*</text></answer>
  </question>"""
    [sa] = moodlexml.parse(xml_of(q)).questions
    assert sa.case_sensitive is True
    qtype, _text, _fmt, data, _gf = types.from_gift(sa)
    assert data["case_sensitive"] is True
    t = types.get_type(qtype)
    assert t.grade(data, "Title statement") == 1.0 and t.grade(data, "title statement") == 0.0


def test_doctype_is_refused():
    billion_laughs = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<quiz><question type="description"><questiontext><text>&lol3;</text></questiontext></question></quiz>
"""
    for src in (billion_laughs, billion_laughs.encode("utf-8"), billion_laughs.replace("DOCTYPE", "doctype")):
        r = moodlexml.parse(src)
        assert r.questions == []
        assert len(r.errors) == 1
        assert r.errors[0].line == 2 and "DOCTYPE" in r.errors[0].message
    external = '<?xml version="1.0"?>\n<!DOCTYPE quiz SYSTEM "file:///etc/passwd">\n<quiz></quiz>'
    assert "DOCTYPE" in moodlexml.parse(external).errors[0].message
    entity_only = "<quiz>\n<!ENTITY x 'y'>\n</quiz>"
    assert moodlexml.parse(entity_only).errors[0].line == 2


def test_doctype_inside_cdata_or_comment_is_only_text():
    q = """  <!-- <!DOCTYPE html> -->
  <question type="description">
    <questiontext format="plain_text"><text><![CDATA[Trang web mở đầu bằng <!DOCTYPE html>]]></text></questiontext>
  </question>"""
    r = moodlexml.parse(xml_of(q))
    assert r.errors == []
    assert r.questions[0].text == "Trang web mở đầu bằng <!DOCTYPE html>"


def test_unsupported_types_are_reported_with_their_line_and_parsing_goes_on():
    cloze = """  <question type="cloze">
    <name><text>Cloze</text></name>
    <questiontext format="html"><text><![CDATA[<p>Thủ đô là {1:SHORTANSWER:=Hà Nội}.</p>]]></text></questiontext>
  </question>"""
    gapselect = """  <question type="gapselect">
    <name><text>Gap</text></name>
    <questiontext format="html"><text>[[1]] là thủ đô.</text></questiontext>
    <selectoption><text>Hà Nội</text><group>1</group></selectoption>
  </question>"""
    ddwtos = '  <question type="ddwtos">\n    <name><text>DD</text></name>\n  </question>'
    src = xml_of(MC_OK, cloze, gapselect, MC_OK, ddwtos)
    r = moodlexml.parse(src)
    assert [q.title for q in r.questions] == ["Tốt", "Tốt"]
    assert [q.line for q in r.questions] == [3, 18]
    assert [(e.line, e.message) for e in r.errors] == [
        (9, "loại câu hỏi chưa hỗ trợ: cloze"),
        (13, "loại câu hỏi chưa hỗ trợ: gapselect"),
        (24, "loại câu hỏi chưa hỗ trợ: ddwtos"),
    ]
    assert str(r.errors[0]) == "dòng 9: loại câu hỏi chưa hỗ trợ: cloze"


def test_bad_questions_give_errors_and_parsing_goes_on():
    no_right = MC_OK.replace('fraction="100"', 'fraction="50"').replace("Tốt", "Không đúng")
    multi_80 = """  <question type="multichoice">
    <questiontext><text>Chọn?</text></questiontext>
    <single>false</single>
    <answer fraction="50"><text>a</text></answer>
    <answer fraction="30"><text>b</text></answer>
  </question>"""
    weight = MC_OK.replace('fraction="0"', 'fraction="abc"')
    empty_text = MC_OK.replace("Câu hỏi tốt?", "")
    empty_answer = MC_OK.replace("<text>Không</text>", "<text> </text>")
    number = """  <question type="numerical">
    <questiontext><text>Số?</text></questiontext>
    <answer fraction="100"><text>ba</text><tolerance>0</tolerance></answer>
  </question>"""
    one_pair = """  <question type="matching">
    <questiontext><text>Ghép?</text></questiontext>
    <subquestion><text>a</text><answer><text>b</text></answer></subquestion>
  </question>"""
    tf = """  <question type="truefalse">
    <questiontext><text>Đúng?</text></questiontext>
    <answer fraction="100"><text>có lẽ</text></answer>
  </question>"""
    no_type = "  <question>\n  </question>"
    r = moodlexml.parse(xml_of(no_right, multi_80, weight, empty_text, empty_answer, number, one_pair,
                               tf, no_type, MC_OK))
    messages = [e.message for e in r.errors]
    assert len(messages) == 9
    assert "không có đáp án đúng (cần một đáp án 100%)" in messages[0]
    assert "phải bằng 100% (hiện là 80%)" in messages[1]
    assert "trọng số không hợp lệ: abc" in messages[2]
    assert "nội dung câu hỏi trống" in messages[3]
    assert "có đáp án không có nội dung" in messages[4]
    assert "giá trị số không hợp lệ: 'ba'" in messages[5]
    assert "cần ít nhất 2 cặp" in messages[6]
    assert "đáp án đúng/sai không hợp lệ" in messages[7]
    assert "loại câu hỏi chưa hỗ trợ: (không có)" in messages[8]
    assert [q.title for q in r.questions] == ["Tốt"]
    assert sorted(e.line for e in r.errors) == [e.line for e in r.errors]
    assert r.errors[0].line == 3


@pytest.mark.parametrize("src, line", [
    ("<quiz>\n  <question type=\"essay\">\n    <name><text>x</name>\n  </question>\n</quiz>", 3),
    ("<quiz>\n<question type=\"essay\">\n", 3),
    ("", 1),
    ("không phải XML", 1),
    ("<quiz>\n\n\n<a>&nbsp;</a></quiz>", 4),
])
def test_malformed_xml_gives_one_error_with_the_parser_line(src, line):
    r = moodlexml.parse(src)
    assert r.questions == []
    assert len(r.errors) == 1
    assert r.errors[0].line == line
    assert r.errors[0].message.startswith("tệp XML không hợp lệ")


def test_root_must_be_quiz():
    r = moodlexml.parse("<?xml version='1.0'?>\n<questions><question type='essay'/></questions>")
    assert len(r.errors) == 1 and "<quiz>" in r.errors[0].message and r.questions == []


def test_comments_and_cdata_do_not_shift_line_numbers():
    tricky = """  <!-- <question type="essay"> in a comment -->
  <question type="description">
    <questiontext format="html"><text><![CDATA[Mẫu: <question type="x">]]></text></questiontext>
  </question>"""
    r = moodlexml.parse(xml_of(tricky, MC_OK.replace('fraction="100"', 'fraction="10"')))
    assert [q.line for q in r.questions] == [4]
    assert r.questions[0].text == 'Mẫu: <question type="x">'
    assert [e.line for e in r.errors] == [7]


@pytest.mark.parametrize("path, expected", [
    ("$course$/top/Pháp luật/Chương 1", ["Pháp luật", "Chương 1"]),
    ("$system$/top/Mặc định", ["Mặc định"]),
    ("$module$/Câu hỏi", ["Câu hỏi"]),
    ("$course$/top", None),
    ("Không có tiền tố/con", ["Không có tiền tố", "con"]),
    ("  $cat1$/top/a//b/  ", ["a", "b"]),
    ("topic/a", ["topic", "a"]),
])
def test_category_paths(path, expected):
    src = xml_of(f'<question type="category"><category><text>{path}</text></category></question>', MC_OK)
    [q] = moodlexml.parse(src).questions
    assert q.category == expected


def test_old_style_category_without_text_element():
    src = xml_of('<question type="category"><category>$course$/top/Cũ</category></question>', MC_OK)
    assert moodlexml.parse(src).questions[0].category == ["Cũ"]


def test_format_defaults_differ_between_xml_and_gift():
    no_attr = MC_OK.replace(' format="html"', "")
    [q] = moodlexml.parse(xml_of(no_attr)).questions
    assert q.text_format == "html"  # Moodle XML's default
    assert gift.parse("Câu hỏi tốt?{=Có ~Không}").questions[0].text_format == "moodle"
    for attr, fmt in [("html", "html"), ("moodle_auto_format", "moodle"), ("plain_text", "plain"),
                      ("markdown", "markdown")]:
        [q] = moodlexml.parse(xml_of(MC_OK.replace('format="html"', f'format="{attr}"'))).questions
        assert q.text_format == fmt


def test_answer_format_kept_only_when_it_differs():
    src = MC_OK.replace('<answer fraction="0">', '<answer fraction="0" format="markdown">')
    src = src.replace('<answer fraction="100">', '<answer fraction="100" format="html">')
    [q] = moodlexml.parse(xml_of(src)).questions
    assert [a.text_format for a in q.answers] == [None, "markdown"]
