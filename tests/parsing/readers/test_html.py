"""Saved government pages: the article alone, the metadata block read, GBK charset, merged cells, web archives."""
from __future__ import annotations

from parsing.readers import read_file
from tests.renditions import Paragraph, Table, html_bytes

TITLE = "某某市人民政府办公室关于做好春耕生产工作的通知"
META = {"索 引 号": "11140300/2024-00012", "发布机构": "某某市人民政府办公室", "文　　号": "某政办发〔2024〕3号",
        "成文日期": "2024年03月01日", "发布日期": "2024-03-05", "主题分类": "农业、林业、水利"}


def test_article_alone_with_metadata_from_a_gbk_page():
    parts = [Paragraph("各县区人民政府，市直各单位："), Paragraph("现就做好春耕生产工作通知如下。"),
             Table([["序号", "工作任务", "牵头单位"], ["1", "建立台账", "市农业农村局"]]),
             Paragraph("某某市人民政府办公室"), Paragraph("2024年3月1日")]
    data = html_bytes(parts, title=TITLE, metadata=META, encoding="gbk")
    source = read_file(data, name="page.htm")
    assert source.format == "html" and source.encoding == "gb18030"
    assert source.text.split("\n") == [
        TITLE,  # the page's <h1>, above the text
        "各县区人民政府，市直各单位：", "现就做好春耕生产工作通知如下。",
        "| 序号 | 工作任务 | 牵头单位 |", "| 1 | 建立台账 | 市农业农村局 |",
        "某某市人民政府办公室", "2024年3月1日",
    ]  # no navigation, breadcrumb, 浏览次数, 打印本页/关闭窗口, related links, footer, scripts
    assert source.meta() == {"index_no": "11140300/2024-00012", "issuer": "某某市人民政府办公室",
                             "doc_number": "某政办发〔2024〕3号", "issued_on": "2024-03-01", "published_on": "2024-03-05",
                             "topic": "农业、林业、水利"}
    assert source.origins[3] == "表格 1 第 1 行"


def test_a_title_outside_the_article_comes_first():
    page = ("<html><head><meta charset='utf-8'><title>关于做好春耕生产工作的通知_某某市人民政府</title></head><body>"
            "<div class='nav'><a href='/'>首页</a></div><div id='zoom'><p>各县区人民政府：</p>"
            "<p>请抓好落实，确保春耕生产顺利进行。</p></div></body></html>").encode()
    source = read_file(page, name="p.html")
    assert source.text.split("\n")[0] == "关于做好春耕生产工作的通知" and source.origins[0] == "网页标题"


def test_rowspan_is_repeated_colspan_written_once_and_br_breaks_lines():
    page = ("<html><head><meta charset='utf-8'><title>x</title></head><body><div class='content'>"
            "<p>关于做好春耕生产工作的通知<br>（征求意见稿）</p>"
            "<table><tr><td>序号</td><td>工作任务</td><td>牵头单位</td><td>时限</td></tr>"
            "<tr><td>1</td><td>建立\n台账</td><td rowspan='2'>市农业农村局</td><td>6月底前</td></tr>"
            "<tr><td>2</td><td>每月调度</td><td>每月</td></tr>"
            "<tr><td>3</td><td colspan='3'>全年通报</td></tr></table></div></body></html>").encode()
    assert read_file(page, name="p.html").text.split("\n") == [
        "关于做好春耕生产工作的通知", "（征求意见稿）",
        "| 序号 | 工作任务 | 牵头单位 | 时限 |", "| 1 | 建立台账 | 市农业农村局 | 6月底前 |",
        "| 2 | 每月调度 | 市农业农村局 | 每月 |", "| 3 | 全年通报 |  |  |",
    ]


def test_a_web_archive_is_read_through_its_html_part():
    html = ("<html><body><div id='zoom'><p>关于做好春耕生产工作的通知</p><p>各县区人民政府：</p>"
            "<p>请抓好落实。</p></div></body></html>").encode("gb18030")
    import base64
    mhtml = (b"From: <Saved by Blink>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n"
             b" type=\"text/html\"; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/html; charset=gbk\r\n"
             b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(html) + b"\r\n--B--\r\n")
    source = read_file(mhtml, name="saved.mhtml")
    assert source.text.split("\n")[-2:] == ["各县区人民政府：", "请抓好落实。"]


def _page_with(body: str) -> bytes:
    return ("<html><head><meta charset='utf-8'><title>t</title></head><body><div class='content'>" + body +
            "<p>各县区人民政府：</p><p>请抓好落实，确保春耕生产顺利进行。</p></div></body></html>").encode()


def test_the_date_a_site_published_a_page_is_not_the_directive_s_date():
    source = read_file(_page_with("<div class='info'>发布时间：2024-01-05 10:30 来源：市政府办公室</div>"), name="p.html")
    assert source.meta() == {"published_on": "2024-01-05"}


def test_a_metadata_card_written_as_text_gives_one_value_per_cell():
    source = read_file(_page_with("<p>索 引 号: | 000014349/2023-91150 | 信息分类: | |</p>"
                                  "<p>发布机构: | 生成日期: | 2022-12-02 08:54:33 | |</p>"
                                  "<p>文 号: | 六盘水府办发〔2022〕10号 | 是否有效: | |</p>"), name="p.html")
    assert source.meta() == {"index_no": "000014349/2023-91150", "doc_number": "六盘水府办发〔2022〕10号"}


def test_a_number_label_left_empty_takes_no_other_label_for_its_value():
    source = read_file(_page_with("<p>文 号: 文件分类: 综合政务 所属机构:</p><p>发布机关: 市政府办公室</p>"), name="p.html")
    assert source.meta() == {"issuer": "市政府办公室"}


def test_an_empty_cell_of_the_metadata_table_leaves_its_field_empty():
    meta = {"索 引 号": "11140300/2024-00012", "发布机构": "", "文　　号": "某政办发〔2024〕3号", "成文日期": ""}
    data = html_bytes([Paragraph("各县区人民政府："), Paragraph("请抓好落实。")], title=TITLE, metadata=meta)
    assert read_file(data, name="page.htm").meta() == {"index_no": "11140300/2024-00012",
                                                       "doc_number": "某政办发〔2024〕3号", "published_on": "2024-01-05"}
