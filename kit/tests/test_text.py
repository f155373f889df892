"""Text composed into a bounded column fits it: the parts are cut with …, the sentence is kept."""

from kit.text import fill, fit, fit_filename, one_line
from notices.models import Notice
from roster.models import StatusChange


def test_a_title_naming_a_long_business_keeps_its_sentence_and_fits():
    name = "長" * 200
    title = fill(Notice, "title", "「{name}」の成功報酬費を申請できるようになりました", name=name)
    assert len(title) == 200 and title.endswith("長…」の成功報酬費を申請できるようになりました")
    assert fill(Notice, "title", "「{name}」", name="短い") == "「短い」"


def test_the_longest_part_is_cut_first_and_a_template_too_long_is_cut_at_its_end():
    reason = fill(StatusChange, "reason", "{why}（{filename}）", why="閉鎖", filename="f" * 300)
    assert reason == "閉鎖（" + "f" * 195 + "…）"
    assert fit(StatusChange, "reason", "x" * 201) == "x" * 199 + "…"
    assert len(fill(StatusChange, "reason", "y" * 250 + "{a}", a="b")) == 200


def test_line_breaks_become_spaces():
    assert one_line("改行\r\n商事\n\n本店\u2028") == "改行 商事 本店"


def test_a_file_name_is_cut_before_its_extension():
    from roster.models import ImportJob

    name = fit_filename(ImportJob, "filename", "a" * 300 + ".xlsx", prefix="差分 ")
    assert len(name) == 200 and name.startswith("差分 aaa") and name.endswith("a….xlsx")
    assert fit_filename(ImportJob, "filename", "{x}.csv") == "{x}.csv"
