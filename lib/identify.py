"""Identification (把握) at national scale: which current corporations have no registered workplace.

Corporations (NTA data) are linked to registered workplaces (適用事業) by corporate number when
the registered list has one, else by normalised name and address within a prefecture (the
prefecture of a registered workplace is the first two digits of its labour insurance number,
R-ENR-5), and, for branch offices, by name across the country. Candidate pairs come from exact
joins on those keys; each pair is scored with rapidfuzz; rules on the scores decide (R-ROS-4).
"""

import codecs
import contextlib
import io
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist

from lib import normalize, nta, tables

REGISTERED = "適用済"
CANDIDATE = "未手続候補"
REVIEW = "要確認"
OUTPUT_HEADER = [
    "法人番号",
    "名称",
    "都道府県コード",
    "市区町村コード",
    "所在地",
    "判定",
    "一致労働保険番号",
    "スコア",
    "確認順",
]
SAME, DIFFERENT = "同一", "別"
REGISTERED_COLUMNS = {"労働保険番号": "insurance_number", "事業場名称": "name", "所在地": "address"}
OPTIONAL_COLUMNS = {"法人番号": "corporate_number", "郵便番号": "post_code", "電話番号": "phone"}
# The NTA columns identification needs; the others are not read (memory at national scale).
NTA_COLUMNS = [
    "sequence_number",
    "corporate_number",
    "process",
    "name",
    "kind",
    "prefecture_name",
    "city_name",
    "street_number",
    "prefecture_code",
    "city_code",
    "close_date",
    "latest",
]
PAIRS_PER_SLICE = 1_000_000
# A key shared by more corporations than this (a common name, a large office building) proves
# nothing by itself; such groups are not paired on that key.
MAX_GROUP = 200
# A name is paired across a prefecture (a branch office's, across the country) only if so few
# corporations carry it that the name alone may decide.
RARE_NAME = 10


@dataclass
class Identified:
    rows: pl.DataFrame
    excluded: dict[str, int] = field(default_factory=dict)


def prepare_corporations(raw: pl.DataFrame | pl.LazyFrame) -> tuple[pl.DataFrame, dict[str, int]]:
    """Current corporations that are outreach targets, normalised, and the closed ones (``gone``); and
    how many are left out of the verdicts, why.

    ``raw`` may be a scan of the file (lib.nta.scan): the closed ones and public bodies are counted
    in a pass of their own, and the rest read and normalised in batches by the streaming engine, so
    the raw text is never in memory all at once.
    """
    lazy = raw.lazy()
    numbers = lazy.select(pl.len(), pl.col("corporate_number").n_unique()).collect(engine="streaming").row(0)
    if numbers[0] != numbers[1]:  # a diff file, several rows per corporation: small
        lazy = nta.current(lazy.collect()).lazy()
    else:
        lazy = lazy.filter(pl.col("latest") == "1")
    closed = (pl.col("close_date").fill_null("") != "") | pl.col("process").is_in(nta.ENDED_PROCESSES)
    public = pl.col("kind").is_in(nta.PUBLIC_KINDS)
    excluded = (
        lazy.select(closed.sum().alias("閉鎖・合併等"), (public & ~closed).sum().alias("国・地方公共団体"))
        .collect(engine="streaming")
        .row(0, named=True)
    )
    address = pl.concat_str(
        [pl.col(c).fill_null("") for c in ["prefecture_name", "city_name", "street_number"]]
    )
    # Closed corporations are kept to the end, unreported: their workplaces are often still on the
    # registered list, and must be explained by them rather than by a namesake.
    frame = lazy.filter(~(public & ~closed)).select(
        closed.alias("gone"),
        "corporate_number",
        "name",
        pl.col("prefecture_code").alias("pref"),
        (pl.col("prefecture_code") + pl.col("city_code")).alias("city_code"),
        address.alias("address"),
    )
    frame = normalize.with_address_key(normalize.with_names(frame, "name").drop("branch"), "address")
    # The closed ones last: the verdicts are then the first rows, taken without a copy.
    return frame.collect(engine="streaming").sort("gone", maintain_order=True).with_row_index("c"), excluded


def prepare_registered(frame: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """Registered workplaces with the Japanese headers of the input file, normalised."""
    columns = frame.collect_schema().names() if isinstance(frame, pl.LazyFrame) else frame.columns
    missing = [h for h in REGISTERED_COLUMNS if h not in columns]
    if missing:
        raise ValueError(f"適用事業の一覧に必須の列がありません：{'、'.join(missing)}")
    renames = {k: v for k, v in {**REGISTERED_COLUMNS, **OPTIONAL_COLUMNS}.items() if k in columns}
    frame = frame.select(list(renames)).rename(renames)
    if "corporate_number" not in renames.values():
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias("corporate_number"))
    digits = pl.col("insurance_number").fill_null("").str.replace_all(r"\D", "")
    lazy = frame.lazy().select(
        digits.alias("insurance_number"),
        pl.col("corporate_number")
        .fill_null("")
        .str.replace_all(r"\D", "")
        .alias("registered_corporate_number"),
        digits.str.slice(0, 2).alias("pref"),
        "name",
        "address",
    )
    return (
        normalize.with_address_key(normalize.with_names(lazy, "name"), "address")
        .drop("name", "address")
        .collect(engine="streaming")
        .with_row_index("r")
    )


def _keys(frame: pl.DataFrame, index: str, *extra: str) -> pl.DataFrame:
    """The blocking keys of ``frame``, each one 64-bit hash of its texts: joining and counting on one
    integer is several times faster, and lighter, than on texts. A collision only adds a pair, which
    scoring then rejects on the texts themselves. Keys too short to mean anything are null."""
    near = pl.col("address_key").str.slice(0, 3).alias("near")
    return frame.select(
        index,
        *extra,
        pl.struct("pref", "core").hash(1).alias("name"),
        pl.struct("pref", near, "core").hash(2).alias("near"),
        pl.when(pl.col("address_key").str.len_chars() >= 6)
        .then(pl.struct("pref", "address_key").hash(3))
        .alias("address"),
        pl.when(pl.col("core").str.len_chars() >= 2)
        .then(pl.struct("core", "form").hash(4))
        .alias("nationally"),
    )


def _pairs(corporations: pl.DataFrame, registered: pl.DataFrame) -> pl.DataFrame:
    """Candidate (c, r) pairs from exact joins on the blocking keys, each pair once.

    A name alone decides only where few corporations carry it (``_decide``), so a name is paired
    across the prefecture only where few corporations and few workplaces carry it; any other is
    paired within the same municipality (the start of the address key), where the address then
    decides. Pairs at the same address are added where the names differ (the same name at the same
    address is paired already); branch offices by rare name across the country. Groups are capped:
    a common name or a large office building would otherwise pair every corporation with every
    workplace (tens of millions of pairs nationally).
    """
    corps = _keys(corporations, "c")
    reg = _keys(registered, "r", "branch")
    offices = reg.filter(~pl.col("branch"))
    rare = (
        corps.group_by("name")
        .len("corporations")
        .join(offices.group_by("name").len("workplaces"), on="name")
        .filter((pl.col("corporations") <= RARE_NAME) & (pl.col("workplaces") <= 2 * RARE_NAME))
        .select("name")
    )

    def join(left: pl.DataFrame, right: pl.DataFrame, key: str, most: int, *extra: str) -> pl.DataFrame:
        left = left.select("c", key, *extra).drop_nulls(key).filter(pl.len().over(key) <= most)
        right = right.select("r", key, *extra).drop_nulls(key).filter(pl.len().over(key) <= MAX_GROUP)
        return left.join(right, on=key)

    by_name = join(corps.join(rare, on="name", how="semi"), offices, "name", RARE_NAME)
    nearby = join(corps.join(rare, on="name", how="anti"), offices, "near", MAX_GROUP)
    at_address = join(corps, reg, "address", MAX_GROUP, "name").filter(pl.col("name") != pl.col("name_right"))
    branches = join(corps, reg.filter(pl.col("branch")), "nationally", RARE_NAME)
    return pl.concat([frame.select("c", "r") for frame in (by_name, nearby, at_address, branches)])


def similarity(pairs: pl.DataFrame, column: str) -> pl.Series:
    """rapidfuzz's ratio (0–100) of ``column`` on each side of each pair.

    Most pairs come from an exact join on that very column; they score 100 without rapidfuzz,
    which then sees (and Python holds in lists) only the pairs that differ.
    """
    equal = pairs[column] == pairs[f"{column}_r"]
    differing = pairs.filter(~equal)
    scores = cpdist(
        differing[column].to_list(), differing[f"{column}_r"].to_list(), scorer=fuzz.ratio, workers=-1
    )
    result = pl.Series(np.full(pairs.height, 100.0, dtype=np.float32))
    result[np.flatnonzero(~equal.to_numpy())] = scores.astype(np.float32)
    return result


# A typo in the name at the very same address (the building aside) is still the business there.
NAME_AT_ADDRESS = 65
# Pairs kept after scoring: sure ones, and those a later step may still decide or show a person.
_KEEP = 80


def _score(corporations: pl.DataFrame, registered: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """Each candidate pair's name and address similarity, and whether that alone makes it sure."""
    joined = pairs.join(corporations.select("c", "core", "form", "address_key"), on="c").join(
        registered.select("r", "branch", "core", "form", "address_key"), on="r", suffix="_r"
    )
    joined = joined.with_columns(
        similarity(joined, "core").alias("name"),
        similarity(joined, "address_key").alias("address"),
        (pl.col("form") == pl.col("form_r")).alias("same_form"),
        # The same municipality (the start of the address key, as blocking uses it).
        (pl.col("address_key").str.slice(0, 3) == pl.col("address_key_r").str.slice(0, 3)).alias(
            "same_place"
        ),
    )
    name, address, same_form = pl.col("name"), pl.col("address"), pl.col("same_form")
    # A registered name without a legal form (a trade name, or the form left off) is matched on
    # the address too; a name alone, without the address, must carry the same legal form.
    similar_form = same_form | (pl.col("form_r") == "")
    sure = (similar_form & (name >= 92) & (address >= 90)) | (
        similar_form & (address == 100) & (name >= NAME_AT_ADDRESS)
    )
    return joined.filter(sure | ((name >= _KEEP) & (address >= 60)) | (same_form & (name == 100))).select(
        "c",
        "r",
        "branch",
        "same_form",
        "same_place",
        "name",
        "address",
        sure.alias("sure"),
        (name * 0.6 + address * 0.4).round(0).cast(pl.Int32).alias("score"),
    )


def _decide(corporations: pl.DataFrame, first: pl.DataFrame, scored: pl.DataFrame) -> pl.DataFrame:
    """The best pair of each corporation that has one: (c, r, sure, score).

    ``first`` holds the sure pairs (the corporate number, a person's past decision, the name and
    address alike). Each registered workplace belongs to one corporation: one claimed by a sure
    pair is no evidence for any other, nor is a branch office of a name whose corporation is
    surely registered. What remains is settled by the name alone where only one corporation and
    one workplace of the prefecture still carry it (a move, or the workplace at its own address),
    or, for a branch office, one corporation in the country; a few sharing it go to a person.
    """
    claimed = first["c"].unique().implode()
    owners = first.sort("score", descending=True).unique("r", keep="first").select("r")
    # Names as 64-bit hashes: counted and joined over millions of rows, texts would weigh gigabytes.
    names = corporations.select(
        "c",
        pl.struct("pref", "core", "form").hash(5).alias("in_pref_key"),
        pl.struct("core", "form").hash(6).alias("in_country_key"),
        pl.struct("pref", "core").hash(7).alias("workplace_key"),
    )
    taken_names = (
        names.filter(pl.col("c").is_in(claimed)).select("in_country_key").unique().with_columns(taken=True)
    )
    rest = (
        scored.filter(~pl.col("c").is_in(claimed))
        .join(owners, on="r", how="anti")
        .join(names, on="c")
        .join(taken_names, on="in_country_key", how="left")
        .filter(~(pl.col("branch") & pl.col("taken").fill_null(False)))
    )
    open_ = names.filter(~pl.col("c").is_in(claimed))
    rest = rest.join(open_.group_by("in_pref_key").len("in_pref"), on="in_pref_key").join(
        open_.group_by("in_country_key").len("in_country"), on="in_country_key"
    )
    rest = rest.join(
        rest.filter(~pl.col("branch") & (pl.col("name") == 100))
        .group_by("workplace_key")
        .agg(pl.col("r").n_unique().alias("workplaces")),
        on="workplace_key",
        how="left",
    )
    name, address, branch = pl.col("name"), pl.col("address"), pl.col("branch")
    same_name = pl.col("same_form") & (name == 100)
    # Among a few namesakes of the prefecture, the only one in the workplace's municipality, and the
    # only such workplace there (a move within the town): the name and the place decide together.
    local = rest.filter(same_name & ~branch & pl.col("same_place"))
    rest = rest.join(
        local.group_by("r").agg(pl.col("c").n_unique().alias("local_corporations")), on="r", how="left"
    )
    rest = rest.join(
        local.group_by("c").agg(pl.col("r").n_unique().alias("local_workplaces")), on="c", how="left"
    )
    alone_in_place = (
        same_name
        & ~branch
        & pl.col("same_place")
        & (pl.col("local_corporations") == 1)
        & (pl.col("local_workplaces") == 1)
    )
    sure = (
        (same_name & ~branch & (pl.col("in_pref") == 1) & (pl.col("workplaces") == 1))
        | (same_name & branch & (pl.col("in_country") == 1))
        | alone_in_place
    )
    doubtful = (
        ((name >= _KEEP) & (address >= 60))
        | (same_name & ~branch & (pl.col("in_pref") <= 3))
        | (same_name & branch & (pl.col("in_country") <= 3))
    )
    rest = rest.filter(sure | doubtful).select("c", "r", sure.alias("sure"), "score")
    # A workplace settled in this round is no longer a doubt for its other namesakes.
    settled = rest.filter(pl.col("sure"))
    rest = pl.concat([settled, rest.filter(~pl.col("sure")).join(settled.select("r"), on="r", how="anti")])
    return (
        pl.concat([first.select("c", "r", "sure", "score"), rest])
        .sort(["c", "sure", "score"], descending=[False, True, True])
        .unique(subset="c", keep="first")
    )


def _past_decisions(
    corporations: pl.DataFrame, registered: pl.DataFrame, decisions: pl.DataFrame | None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """People's past review decisions as (c, r) pairs: the same business, and another one."""
    empty = pl.DataFrame(schema={"c": pl.UInt32, "r": pl.UInt32})
    if decisions is None or decisions.is_empty():
        return empty, empty
    pairs = decisions.join(
        corporations.select("c", "corporate_number"), left_on="法人番号", right_on="corporate_number"
    ).join(registered.select("r", "insurance_number"), left_on="労働保険番号", right_on="insurance_number")
    same = pairs.filter(pl.col("判断") == SAME)
    return same.select("c", "r"), pairs.filter(pl.col("判断") != SAME).select("c", "r")


def identify(
    raw_corporations: pl.DataFrame | pl.LazyFrame,
    raw_registered: pl.DataFrame | pl.LazyFrame,
    decisions: pl.DataFrame | None = None,
) -> Identified:
    """Link and decide. Callers that pass freshly read frames (as the command does) let them be
    freed here once normalised: at national scale the raw text is gigabytes. ``decisions`` are
    people's past decisions on doubtful pairs (法人番号, 労働保険番号, 判断 同一/別), applied first."""
    corporations, excluded = prepare_corporations(raw_corporations)
    del raw_corporations
    registered = prepare_registered(raw_registered)
    del raw_registered
    same, different = _past_decisions(corporations, registered, decisions)
    by_number = corporations.select("c", "corporate_number").join(
        registered.filter(pl.col("registered_corporate_number") != "").select(
            "r", pl.col("registered_corporate_number").alias("corporate_number")
        ),
        on="corporate_number",
    )
    # Pairs are scored a slice at a time: their strings, joined, would otherwise all be in memory at once.
    # (The first, empty, gives the frame its columns when there is no pair at all.)
    pairs = _pairs(corporations, registered).join(different, on=["c", "r"], how="anti")
    scored = pl.concat(
        [
            _score(corporations, registered, pairs.clear()),
            *(_score(corporations, registered, chunk) for chunk in pairs.iter_slices(PAIRS_PER_SLICE)),
        ],
        how="vertical",
    )
    del pairs
    certain = pl.concat([by_number.select("c", "r"), same]).with_columns(
        sure=pl.lit(True), score=pl.lit(100, dtype=pl.Int32)
    )
    first = pl.concat([certain, scored.filter(pl.col("sure")).select("c", "r", "sure", "score")])
    numbers = registered.select("r", "insurance_number")
    del registered  # not needed to decide: a third of a gigabyte nationally
    best = _decide(corporations, first, scored).join(numbers, on="r")
    del scored, numbers
    # Each corporation's verdict is put at its row (c is the row number): joining five million rows
    # back would copy their names and addresses once more.
    n, at = corporations.height, best["c"]
    sure, doubtful = best.filter(pl.col("sure"))["c"], best.filter(~pl.col("sure"))["c"]
    rows = corporations.select(
        "gone",
        pl.col("corporate_number").alias("法人番号"),
        pl.col("name").alias("名称"),
        pl.col("pref").alias("都道府県コード"),
        pl.col("city_code").alias("市区町村コード"),
        pl.col("address").alias("所在地"),
    ).with_columns(
        pl.repeat(CANDIDATE, n, eager=True).scatter(sure, REGISTERED).scatter(doubtful, REVIEW).alias("判定"),
        pl.repeat("", n, eager=True).scatter(at, best["insurance_number"]).alias("一致労働保険番号"),
        pl.repeat(None, n, dtype=pl.Int32, eager=True).scatter(at, best["score"]).alias("スコア"),
    )
    # The review queue's order: the pairs nearest to being the same business first, where a
    # person's look most likely turns 要確認 into 適用済.
    rows = (
        rows.head(rows.height - int(corporations["gone"].sum()))
        .drop("gone")
        .with_columns(
            pl.when(pl.col("判定") == REVIEW)
            .then(pl.col("スコア"))
            .rank("ordinal", descending=True)
            .cast(pl.UInt32)
            .alias("確認順")
        )
    )
    return Identified(rows=rows, excluded=excluded)


@contextlib.contextmanager
def scan_registered(path: Path) -> Iterator[pl.LazyFrame]:
    """A registered-workplace CSV file (header row; UTF-8 or cp932) as a lazy scan. cp932 is first
    written out as UTF-8 in chunks to a temporary file, removed afterwards: a national list is
    never decoded in memory all at once."""
    with path.open("rb") as handle:
        head = handle.read(1 << 20)
    try:
        head.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
        cp932 = False
    except UnicodeDecodeError as error:
        cp932 = error.start < len(head) - 4  # not just a character cut at the end of the sample
    if not cp932:
        yield pl.scan_csv(path, infer_schema=False, encoding="utf8")
        return
    handle_, name = tempfile.mkstemp(suffix=".csv", prefix="registered-")
    os.close(handle_)
    utf8 = Path(name)
    try:
        decoder = codecs.getincrementaldecoder("cp932")()
        with path.open("rb") as source, utf8.open("w", encoding="utf-8", newline="") as out:
            while chunk := source.read(1 << 24):
                out.write(decoder.decode(chunk))
            out.write(decoder.decode(b"", final=True))
        yield pl.scan_csv(utf8, infer_schema=False, encoding="utf8")
    except UnicodeDecodeError:
        raise ValueError(
            f"{path.name} の文字コードを判別できません。UTF-8 または Shift_JIS で保存してください。"
        ) from None
    finally:
        utf8.unlink(missing_ok=True)


def read_registered(data: bytes) -> pl.DataFrame:
    """A registered-workplace CSV (header row; UTF-8 or cp932), every column as text."""
    try:
        # UTF-8 goes straight to Polars; only cp932 pays for a decode and a copy.
        return pl.read_csv(
            io.BytesIO(data.removeprefix(b"\xef\xbb\xbf")), infer_schema=False, encoding="utf8"
        )
    except pl.exceptions.ComputeError:
        return pl.read_csv(io.BytesIO(tables.decode_csv(data).encode("utf-8")), infer_schema=False)


def read_decisions(data: bytes) -> pl.DataFrame:
    """People's past decisions on doubtful pairs: 法人番号, 労働保険番号, 判断 (同一 or 別)."""
    frame = read_registered(data)
    missing = [h for h in ("法人番号", "労働保険番号", "判断") if h not in frame.columns]
    if missing:
        raise ValueError(f"確認結果の一覧に必須の列がありません：{'、'.join(missing)}")
    wrong = frame.filter(~pl.col("判断").is_in([SAME, DIFFERENT]))
    if wrong.height:
        raise ValueError(
            f"確認結果の「判断」は「{SAME}」か「{DIFFERENT}」です（{wrong.row(0, named=True)['判断']!r}）。"
        )
    return frame.select(
        pl.col("法人番号").str.replace_all(r"\D", ""),
        pl.col("労働保険番号").str.replace_all(r"\D", ""),
        "判断",
    )
