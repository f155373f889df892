"""manage.py identify: NTA corporations against registered workplaces (R-ROS-4)."""

import csv
import io
import os
import subprocess
import sys
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from lib import nta
from lib.corporate_number import check_digit


def number(base: str) -> str:
    return f"{check_digit(base)}{base}"


def nta_row(
    seq, corporate_number, name, pref_code, pref, city_code, city, street, kind="301", process="01", close=""
):
    row = dict.fromkeys(nta.COLUMNS, "")
    row.update(
        sequence_number=str(seq),
        corporate_number=corporate_number,
        process=process,
        correct="0",
        update_date="2024-04-01",
        change_date="2024-04-01",
        name=name,
        kind=kind,
        prefecture_name=pref,
        city_name=city,
        street_number=street,
        prefecture_code=pref_code,
        city_code=city_code,
        close_date=close,
        latest="1",
    )
    return [row[c] for c in nta.COLUMNS]


YAMADA = number("011001098993")
SATO = number("070001032626")
TANAKA_1 = number("000000000001")
TANAKA_2 = number("000000000002")
BY_NUMBER = number("000000000003")
TYPO = number("000000000004")
BRANCH = number("000000000005")

CORPORATIONS = [
    nta_row(1, "7000012050002", "国税庁", "13", "東京都", "101", "千代田区", "霞が関3丁目1-1", kind="101"),
    nta_row(2, YAMADA, "株式会社山田商事", "13", "東京都", "101", "千代田区", "霞が関3丁目1-1"),
    nta_row(3, SATO, "有限会社佐藤工務店", "27", "大阪府", "127", "大阪市北区", "梅田1丁目2-3"),
    nta_row(
        4,
        "2120901007402",
        "合同会社閉鎖",
        "27",
        "大阪府",
        "127",
        "大阪市北区",
        "梅田9-9-9",
        process="21",
        close="2023-03-31",
    ),
    nta_row(5, TANAKA_1, "株式会社田中建設", "13", "東京都", "104", "中央区", "銀座1-1-1"),
    nta_row(6, TANAKA_2, "株式会社田中建設", "13", "東京都", "113", "文京区", "本郷2-2-2"),
    nta_row(7, BY_NUMBER, "株式会社番号一致", "13", "東京都", "104", "中央区", "築地5-5-5"),
    nta_row(8, TYPO, "株式会社みどり運輸サービス", "14", "神奈川県", "101", "横浜市鶴見区", "鶴見中央1-2-3"),
    nta_row(9, BRANCH, "株式会社ユニーク物産", "13", "東京都", "101", "千代田区", "丸の内1-1-1"),
]
REGISTERED = [
    ["労働保険番号", "事業場名称", "所在地", "法人番号", "電話番号", "備考"],
    [
        "13101123456000",
        "（株）山田商事",
        "東京都千代田区霞が関三丁目1番1号 中央合同庁舎",
        "",
        "03-0000-0000",
        "x",
    ],
    ["13101999999000", "田中建設㈱", "東京都港区芝1-1-1", "", "", ""],
    ["13101555555000", "別の名前の会社", "東京都江東区", BY_NUMBER, "", ""],
    ["14101777777000", "株式会社みどり運輪サービス", "神奈川県横浜市鶴見区鶴見中央一丁目2番3号", "", "", ""],
    ["27101888888001", "株式会社ユニーク物産 大阪支店", "大阪府大阪市中央区本町1-1", "", "", ""],
]


@pytest.fixture
def files(tmp_path):
    corporations = tmp_path / "13_tokyo_all_20240430.csv"
    with corporations.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, quoting=csv.QUOTE_NONNUMERIC).writerows(CORPORATIONS)
    registered = tmp_path / "registered.csv"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(REGISTERED)
    registered.write_bytes(buffer.getvalue().encode("cp932"))
    return corporations, registered, tmp_path / "out.csv"


def nta_file(folder, rows):
    """The corporations as the NTA publishes them (Unicode CSV, every text field quoted)."""
    path = folder / "13.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, quoting=csv.QUOTE_NONNUMERIC).writerows(rows)
    return path


def run(corporations, registered, out) -> str:
    stdout = StringIO()
    call_command("identify", corporations=corporations, registered=registered, out=out, stdout=stdout)
    return stdout.getvalue()


def verdicts(out) -> dict[str, tuple[str, str]]:
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {r["法人番号"]: (r["判定"], r["一致労働保険番号"]) for r in rows}


def test_the_output_has_the_documented_header(files):
    run(*files)
    header = files[2].read_text(encoding="utf-8").splitlines()[0]
    assert header == "法人番号,名称,都道府県コード,市区町村コード,所在地,判定,一致労働保険番号,スコア,確認順"


def test_past_decisions_settle_doubtful_pairs_and_are_not_asked_again(files, tmp_path):
    """Learn from past review decisions."""
    corporations, registered, out = files
    decisions = tmp_path / "decisions.csv"
    decisions.write_bytes(
        "法人番号,労働保険番号,判断\r\n"
        f"{TANAKA_1},13101999999000,同一\r\n{TANAKA_2},13101999999000,別\r\n".encode("cp932")
    )
    stdout = StringIO()
    call_command(
        "identify",
        corporations=corporations,
        registered=registered,
        out=out,
        decisions=decisions,
        stdout=stdout,
    )
    result = verdicts(out)
    assert result[TANAKA_1] == ("適用済", "13101999999000")
    assert result[TANAKA_2][0] == "未手続候補"  # its only pair was decided "another business"
    decisions.write_text("法人番号,労働保険番号,判断\n1,2,たぶん\n", encoding="utf-8")
    with pytest.raises(CommandError, match="「同一」か「別」"):
        call_command(
            "identify", corporations=corporations, registered=registered, out=out, decisions=decisions
        )


def test_a_workplace_belongs_to_one_corporation_R_ROS_4(tmp_path):
    """A registered workplace explained by one corporation (same name, same address) is no evidence
    for another of the same name; the one left over with a unique name and a moved address is sure."""
    one, two, three, four = (number(f"0000000002{i:02d}") for i in range(4))
    corporations = nta_file(
        tmp_path,
        [
            nta_row(1, one, "株式会社青葉商事", "13", "東京都", "104", "中央区", "銀座1-1-1"),
            nta_row(2, two, "株式会社青葉商事", "13", "東京都", "113", "文京区", "本郷2-2-2"),
            nta_row(3, three, "株式会社若葉物産", "13", "東京都", "104", "中央区", "銀座5-5-5"),
            nta_row(4, four, "株式会社若葉物産", "13", "東京都", "113", "文京区", "本郷7-7-7"),
        ],
    )
    registered = tmp_path / "registered.csv"
    registered.write_bytes(
        (
            "労働保険番号,事業場名称,所在地\r\n"
            "13101000001000,㈱青葉商事,東京都中央区銀座一丁目1番1号\r\n"
            "13101000002000,㈱若葉物産,東京都中央区銀座5-5-5\r\n"
            "13101000003000,株式会社若葉物産,東京都文京区湯島3-3-3\r\n"  # 若葉物産 of 本郷, registered where it works now
        ).encode("cp932")
    )
    out = tmp_path / "out.csv"
    run(corporations, registered, out)
    result = verdicts(out)
    assert result[one] == ("適用済", "13101000001000")
    assert result[two][0] == "未手続候補"  # 青葉商事's only workplace is the other one's
    assert result[three] == ("適用済", "13101000002000")
    assert result[four] == ("適用済", "13101000003000")


def test_the_review_queue_comes_most_likely_first(files):
    run(*files)
    with files[2].open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["判定"] == "要確認"]
    ranked = sorted(rows, key=lambda r: int(r["確認順"]))
    assert [int(r["確認順"]) for r in ranked] == list(range(1, len(rows) + 1))
    assert [int(r["スコア"]) for r in ranked] == sorted((int(r["スコア"]) for r in rows), reverse=True)


def test_each_current_corporation_gets_a_verdict_R_ROS_4(files):
    run(*files)
    result = verdicts(files[2])
    assert result[YAMADA] == ("適用済", "13101123456000")  # legal form, width, kanji numerals, building
    assert result[SATO][0] == "未手続候補"
    assert result[BY_NUMBER] == ("適用済", "13101555555000")  # the corporate number decides
    assert result[TYPO] == ("適用済", "14101777777000")  # a typo, at the same address
    assert result[BRANCH] == ("適用済", "27101888888001")  # a branch office in another prefecture
    # Two corporations of the same name and neither address: a person should look.
    assert result[TANAKA_1][0] == result[TANAKA_2][0] == "要確認"


def test_closed_corporations_and_public_bodies_are_left_out_and_counted(files):
    output = run(*files)
    result = verdicts(files[2])
    assert "7000012050002" not in result and "2120901007402" not in result
    assert "閉鎖・合併等 1件" in output and "国・地方公共団体 1件" in output
    assert "7件を出力しました" in output


def test_a_zip_as_the_nta_publishes_it_is_accepted(files):
    corporations, registered, out = files
    archive = corporations.with_suffix(".zip")
    with zipfile.ZipFile(archive, "w") as z:
        z.write(corporations, corporations.name)
    run(archive, registered, out)
    assert verdicts(out)[YAMADA][0] == "適用済"


def test_a_registered_list_without_a_required_column_is_refused(files, tmp_path):
    corporations, _, out = files
    bad = tmp_path / "bad.csv"
    bad.write_text("労働保険番号,名称\n13101123456000,山田\n", encoding="utf-8")
    with pytest.raises(CommandError, match="必須の列がありません：事業場名称、所在地"):
        run(corporations, bad, out)
    assert not out.exists()


def test_a_file_that_is_not_nta_data_is_refused(files, tmp_path):
    _, registered, out = files
    bad = tmp_path / "not_nta.csv"
    bad.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(CommandError, match="30列"):
        run(bad, registered, out)


def test_a_closed_corporations_workplace_is_no_namesakes_and_a_move_in_town_is_found(tmp_path):
    """A workplace of a closed corporation is often still on the registered list: it is explained by
    that corporation, not by an open namesake. Among namesakes of the prefecture, the only one in the
    workplace's municipality is the one that moved there."""
    closed, open_, moved, elsewhere = (number(f"0000000003{i:02d}") for i in range(4))
    corporations = nta_file(
        tmp_path,
        [
            nta_row(
                1,
                closed,
                "株式会社緑商事",
                "13",
                "東京都",
                "104",
                "中央区",
                "銀座1-1-1",
                process="21",
                close="2025-03-31",
            ),
            nta_row(2, open_, "株式会社緑商事", "13", "東京都", "113", "文京区", "本郷2-2-2"),
            nta_row(3, moved, "株式会社青空建設", "13", "東京都", "104", "新宿区", "西新宿1-1-1"),
            nta_row(4, elsewhere, "株式会社青空建設", "13", "東京都", "113", "文京区", "本郷3-3-3"),
        ],
    )
    registered = tmp_path / "registered.csv"
    registered.write_bytes(
        (
            "労働保険番号,事業場名称,所在地\r\n"
            "13101000011000,㈱緑商事,東京都中央区銀座一丁目1番1号\r\n"
            "13101000012000,青空建設株式会社,東京都新宿区歌舞伎町2-2-2\r\n"
        ).encode("cp932")
    )
    out = tmp_path / "out.csv"
    run(corporations, registered, out)
    result = verdicts(out)
    assert closed not in result
    assert result[open_][0] == "未手続候補"
    assert result[moved] == ("適用済", "13101000012000")
    assert result[elsewhere][0] == "未手続候補"


def test_polars_gives_back_what_it_frees_at_once_in_every_django_process():
    """A national identification stays under 4 GB only if Polars' allocator returns freed memory
    at once (bench/identify.py); the setting must reach Polars before Polars is first imported."""
    environment = {k: v for k, v in os.environ.items() if k != "_RJEM_MALLOC_CONF"}
    environment["DJANGO_SETTINGS_MODULE"] = "issou.settings"
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os, sys; django.setup(); import polars; "
            "print('polars' in sys.modules, os.environ['_RJEM_MALLOC_CONF'])",
        ],
        cwd=Path(settings.BASE_DIR),
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    # Polars puts its own defaults first and what it found in the environment last, which wins.
    assert shown[0] == "True" and shown[1].endswith(",dirty_decay_ms:0,muzzy_decay_ms:0")
