"""Synthetic national data with ground truth for the identification benchmark.

Corporations in the NTA's published format and a registered-workplace list (適用事業) in cp932 with
the differences real lists have: legal-form spellings, width, spacing, address notation, moved
addresses, typos, branch offices of one corporation, and sole proprietors that are in no NTA file.
Deterministic for a seed. Everything is built column-wise with NumPy and Polars.
"""

import csv
from pathlib import Path

import jaconv
import numpy as np
import polars as pl
from faker.providers.address.ja_JP import Provider as Address
from faker.providers.person.ja_JP import Provider as Person

from lib import nta
from org.data import PREFECTURES_CSV

BUSINESS = (
    "商事 物産 工業 建設 運輸 不動産 電機 製作所 食品 サービス システム 興業 産業 技研 設計 企画 印刷 "
    "化学 薬品 商会 工務店 電設 設備 機械 精機 製菓 酒造 農園 水産 看護 介護 福祉会 保育園 歯科 医院 "
    "クリニック 物流 通信 情報 ソフト 開発 販売 商店 ホーム 住宅 塗装 鉄工所 自動車 整備 観光 旅館 ホテル"
).split()
KATAKANA = (
    "テクノ ライフ アーク ネクスト グリーン サン スカイ ブルー エコ プラス ワン ビジョン フロンティア "
    "リンク クリエイト パートナーズ トラスト ハーモニー スマイル ハート リバー フォレスト ステップ アクア"
).split()
STEMS = [
    stem
    for stem in dict.fromkeys(
        list(Person.last_names)
        + [c.removesuffix("市") for c in Address.cities]
        + [t.removesuffix("町") for t in Address.towns]
    )
    if len(stem) <= 4 and not any(mark in stem for mark in "郡区市町村")
]
FORMS = [
    ("株式会社", "301", 0.68),
    ("有限会社", "302", 0.15),
    ("合同会社", "305", 0.09),
    ("一般社団法人", "399", 0.03),
    ("医療法人", "399", 0.03),
    ("特定非営利活動法人", "399", 0.02),
]
ABBREVIATIONS = {
    "株式会社": ["(株)", "（株）", "㈱"],
    "有限会社": ["(有)", "（有）", "㈲"],
    "合同会社": ["(同)"],
}
KANJI_DIGITS = "〇一二三四五六七八九"


def _prefectures():
    with PREFECTURES_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    weights = np.array([int(r["fy2011_identification_target"]) for r in rows], dtype=float)
    return [r["jis_code"] for r in rows], [r["name"] for r in rows], weights / weights.sum()


def _check_digits(bases: np.ndarray) -> np.ndarray:
    """NTA check digit for an array of 12-digit bases, vectorised."""
    total = np.zeros(len(bases), dtype=np.int64)
    value = bases.copy()
    for n in range(1, 13):
        total += (value % 10) * (1 if n % 2 else 2)
        value //= 10
    return 9 - total % 9


def _pick(rng, values, size, p=None) -> np.ndarray:
    return np.asarray(values, dtype=object)[rng.choice(len(values), size=size, p=p)]


def _kanji(numbers: np.ndarray) -> np.ndarray:
    return np.array(
        [KANJI_DIGITS[n] if n < 10 else "十" + (KANJI_DIGITS[n - 10] if n > 10 else "") for n in numbers],
        dtype=object,
    )


def _insurance_numbers(prefs, first: int, branch: str) -> pl.Series:
    """Labour insurance numbers (R-ENR-5): prefecture, 所掌 1, office, base number, branch number."""
    serial = np.arange(first, first + len(prefs))
    office = np.char.zfill((serial // 10**6 + 1).astype(str), 2)
    base = np.char.zfill((serial % 10**6).astype(str), 6)
    return pl.Series(
        np.asarray(prefs, dtype=object) + "1" + office.astype(object) + base.astype(object) + branch
    )


def corporations(n: int, rng: np.random.Generator) -> pl.DataFrame:
    codes, names, weights = _prefectures()
    pref = rng.choice(47, size=n, p=weights)
    city_index = rng.integers(0, 40, size=n)
    form_index = rng.choice(len(FORMS), size=n, p=[f[2] for f in FORMS])
    simple = rng.random(n) < 0.35  # common names (山田商事) recur across the country
    stem = _pick(rng, STEMS, n)
    second = np.where(rng.random(n) < 0.3, _pick(rng, KATAKANA, n), _pick(rng, STEMS, n))
    core = np.where(simple, stem, stem + second) + _pick(rng, BUSINESS, n)
    form = np.array([FORMS[i][0] for i in form_index], dtype=object)
    prefix = rng.random(n) < 0.6
    name = np.where(prefix, form + core, core + form)
    base = np.arange(1, n + 1, dtype=np.int64) * 7919 % 10**12
    numbers = _check_digits(base).astype(str).astype(object) + np.char.zfill(base.astype(str), 12).astype(
        object
    )
    closed = rng.random(n) < 0.03
    public = rng.random(n) < 0.001
    kind = np.where(public, "201", np.array([FORMS[i][1] for i in form_index], dtype=object))
    city_names = _pick(rng, Address.cities, 47 * 40).reshape(47, 40)
    frame = pl.DataFrame(
        {
            "sequence_number": np.arange(1, n + 1).astype(str),
            "corporate_number": numbers,
            "process": np.where(closed, "21", "01"),
            "close_date": np.where(closed, "2023-03-31", ""),
            "name": name,
            "kind": kind,
            "prefecture_code": np.array(codes, dtype=object)[pref],
            "prefecture_name": np.array(names, dtype=object)[pref],
            "city_code": np.char.zfill((100 + city_index).astype(str), 3).astype(object),
            "city_name": city_names[pref, city_index],
            "town": _pick(rng, Address.towns, n),
            "chome": rng.integers(1, 10, size=n),
            "ban": rng.integers(1, 31, size=n),
            "go": rng.integers(1, 31, size=n),
        }
    )
    return frame.with_columns(
        (
            pl.col("town")
            + pl.col("chome").cast(pl.String)
            + "丁目"
            + pl.col("ban").cast(pl.String)
            + "-"
            + pl.col("go").cast(pl.String)
        ).alias("street_number"),
        pl.lit("1").alias("latest"),
        pl.lit("0").alias("correct"),
    )


# How often each difference occurs. "bench" is the benchmark's data; "heldout" is data of the same
# format drawn with other rates (more abbreviation, typos, moves and workplaces at their own
# address), on which the engine was not tuned: both are reported.
VARIANTS = {
    "bench": {
        "abbreviate": 0.35,
        "spaced": 0.2,
        "half_width": 0.1,
        "kana_form": 0.03,
        "typo": 0.03,
        "moved": 0.05,
        "own_address": 0.05,
        "kanji": 0.3,
        "hyphen": 0.4,
        "building": 0.2,
        "with_number": 0.2,
        "branches": 0.2,
        "proprietors": 0.22,
    },
    "heldout": {
        "abbreviate": 0.5,
        "spaced": 0.3,
        "half_width": 0.2,
        "kana_form": 0.06,
        "typo": 0.05,
        "moved": 0.07,
        "own_address": 0.08,
        "kanji": 0.4,
        "hyphen": 0.3,
        "building": 0.3,
        "with_number": 0.1,
        "branches": 0.25,
        "proprietors": 0.2,
    },
}
KANA_FORMS = {"株式会社": "ｶ)", "有限会社": "ﾕ)", "合同会社": "ﾄﾞ)"}
BRANCH_LABELS = ["支店", "営業所", "工場", "事業所", "出張所"]


def registered(
    corps: pl.DataFrame,
    rng: np.random.Generator,
    share: float = 0.6,
    proprietors: int | None = None,
    variant: str = "bench",
):
    """The registered list (about as many rows as corporations: head offices, branch offices and
    workplaces at their own address, sole proprietors in no NTA file) and the truth: corporate
    numbers of the corporations that have one, with the insurance number of their head office."""
    rates = VARIANTS[variant]
    n = corps.height
    chosen = corps.filter(pl.Series(rng.random(n) < share))
    m = chosen.height
    r = lambda: pl.Series(rng.random(m))  # noqa: E731
    core_form = chosen.select("name").to_series()
    abbreviate = r() < rates["abbreviate"]
    spaced = r() < rates["spaced"]
    half_width = r() < rates["half_width"]
    name = core_form
    for full, short in ABBREVIATIONS.items():
        name = pl.Series(
            np.where(abbreviate & name.str.contains(full), name.str.replace(full, short[0]), name)
        )
        name = pl.Series(
            np.where(abbreviate & (r() < 0.5), name.str.replace(short[0], short[-1], literal=True), name)
        )
    # The bank's kana forms, as lists typed from transfer records write them: ｶ)ミライ.
    kana_form = r() < rates["kana_form"]
    for full, kana in KANA_FORMS.items():
        name = pl.Series(
            np.where(kana_form & name.str.starts_with(full), kana + name.str.strip_prefix(full), name)
        )
    name = pl.Series(
        np.where(spaced, name.str.replace(r"^(株式会社|有限会社|合同会社|\(株\)|\(有\))", "${1}　"), name)
    )
    name = pl.Series(
        np.where(
            half_width,
            name.map_elements(
                lambda s: jaconv.z2h(s, kana=True, digit=True, ascii=True), return_dtype=pl.String
            ),
            name,
        )
    )
    typo = r() < rates["typo"]
    position = pl.Series(rng.integers(0, 3, size=m))
    replacement = pl.Series(_pick(rng, list("東西南北山川田中本村松井野原"), m))
    typo_name = (
        name.str.slice(0, name.str.len_chars() - 2 - position)
        + replacement
        + name.str.slice(name.str.len_chars() - 1 - position)
    )
    name = pl.Series(np.where(typo, typo_name, name))
    moved = r() < rates["moved"]
    # The workplace registered at its own address (a factory, a shop), not the head office's.
    own = (r() < rates["own_address"]) & ~moved
    chome = pl.Series(np.where(moved | own, rng.integers(1, 10, size=m), chosen["chome"]))
    town = pl.Series(np.where(moved | own, _pick(rng, Address.towns, m), chosen["town"]))
    ban = pl.Series(np.where(own, rng.integers(1, 31, size=m), chosen["ban"]))
    go = pl.Series(np.where(own, rng.integers(1, 31, size=m), chosen["go"]))
    city = pl.Series(np.where(own, _pick(rng, Address.cities, m), chosen["city_name"]))
    kanji = r() < rates["kanji"]
    chome_text = pl.Series(np.where(kanji, _kanji(chome.to_numpy()), chome.cast(pl.String)))
    hyphen = r() < rates["hyphen"]
    street = pl.Series(
        np.where(
            hyphen,
            town + chome.cast(pl.String) + "-" + ban.cast(pl.String) + "-" + go.cast(pl.String),
            town + chome_text + "丁目" + ban.cast(pl.String) + "番" + go.cast(pl.String) + "号",
        )
    )
    building = pl.Series(
        np.where(
            r() < rates["building"],
            "　" + _pick(rng, STEMS, m) + "ビル" + rng.integers(1, 9, size=m).astype(str) + "階",
            "",
        )
    )
    address = chosen["prefecture_name"] + city + street + building
    insurance = _insurance_numbers(chosen["prefecture_code"].to_numpy(), 0, "000")
    with_number = r() < rates["with_number"]
    rows = pl.DataFrame(
        {
            "労働保険番号": insurance,
            "事業場名称": name,
            "所在地": address,
            "法人番号": pl.Series(np.where(with_number, chosen["corporate_number"], "")),
        }
    )
    # Branch offices: one or two more workplaces of a corporation, in its own prefecture or another.
    has_branch = rng.random(m) < rates["branches"]
    branch = pl.concat(
        [chosen.filter(pl.Series(has_branch)), chosen.filter(pl.Series(has_branch & (rng.random(m) < 0.5)))]
    )
    b = branch.height
    codes, names, _ = _prefectures()
    same = rng.random(b) < 0.35
    own_pref = np.array([codes.index(c) for c in branch["prefecture_code"].to_list()], dtype=np.int64)
    other = np.where(same, own_pref, rng.integers(0, 47, size=b))
    label = pl.Series(np.array([n.rstrip("都府県") for n in names], dtype=object)[other]) + pl.Series(
        _pick(rng, BRANCH_LABELS, b)
    )
    separator = pl.Series(np.where(rng.random(b) < 0.7, " ", ""))
    branch_rows = pl.DataFrame(
        {
            "労働保険番号": _insurance_numbers(np.array(codes, dtype=object)[other], m, "001"),
            "事業場名称": branch["name"] + separator + label,
            "所在地": pl.Series(np.array(names, dtype=object)[other])
            + _pick(rng, Address.cities, b)
            + _pick(rng, Address.towns, b)
            + pl.Series(rng.integers(1, 9, size=b).astype(str))
            + "-"
            + pl.Series(rng.integers(1, 30, size=b).astype(str))
            + "-1",
            "法人番号": pl.Series([""] * b, dtype=pl.String),
        }
    )
    # Sole proprietors: registered, but in no NTA file.
    p = proprietors if proprietors is not None else int(n * rates["proprietors"])
    codes_arr = np.array(codes, dtype=object)[rng.integers(0, 47, size=p)]
    names_arr = (
        np.array(names, dtype=object)[np.array([codes.index(c) for c in codes_arr], dtype=np.int64)]
        if p
        else []
    )
    proprietor_rows = pl.DataFrame(
        {
            "労働保険番号": _insurance_numbers(codes_arr, m + b, "002"),
            "事業場名称": pl.Series(_pick(rng, Person.last_names, p))
            + pl.Series(_pick(rng, ["商店", "工務店", "食堂", "理容室", "農園", "建設", "設備", "商事"], p)),
            "所在地": pl.Series(names_arr, dtype=pl.String)
            + pl.Series(_pick(rng, Address.cities, p))
            + pl.Series(_pick(rng, Address.towns, p))
            + pl.Series(rng.integers(1, 50, size=p).astype(str))
            + "-1",
            "法人番号": pl.Series([""] * p, dtype=pl.String),
        }
    )
    listing = pl.concat([rows, branch_rows, proprietor_rows]).sample(
        fraction=1.0, shuffle=True, seed=int(rng.integers(2**31))
    )
    truth = chosen.select("corporate_number").with_columns(insurance.alias("insurance_number"))
    return listing, truth


def nta_frame(corps: pl.DataFrame) -> pl.DataFrame:
    """The corporations in the NTA's 30 columns."""
    return corps.select([pl.col(c) if c in corps.columns else pl.lit("").alias(c) for c in nta.COLUMNS])


def write(directory: Path, n: int, seed: int = 2024, variant: str = "bench") -> dict:
    directory.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    corps = corporations(n, rng)
    listing, truth = registered(corps, rng, variant=variant)
    nta_frame(corps).write_csv(
        directory / "corporations.csv", include_header=False, quote_style="non_numeric"
    )
    buffer = listing.write_csv()
    (directory / "registered.csv").write_bytes(buffer.encode("cp932"))
    truth.write_csv(directory / "truth.csv")
    return {"corporations": n, "registered_rows": listing.height, "registered_corporations": truth.height}
