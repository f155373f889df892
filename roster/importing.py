"""Importing a list of businesses into a branch's roster: validate, normalise, link, then save at once.

Two phases. ``plan`` reads and decides everything without writing business data (the job's progress
is written as it goes); ``apply`` saves the plan in one transaction. A run killed in the first
phase leaves nothing; in the second, the transaction rolls back. Each source row carries a hash,
so the same file imported again merges into what is there and adds nothing (R-ROS-4).
"""

import datetime
import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from audit.models import AuditEntry
from kit.rows import insert_rows
from kit.text import fill
from lib import cities, identify, normalize, numbers, tables
from lib.corporate_number import is_valid
from org import revisions
from roster.models import (
    Business,
    BusinessSource,
    BusinessStatus,
    EntryOrigin,
    ImportJob,
    JobStatus,
    MatchReview,
    ReviewDecision,
    RosterEntry,
    SourceKind,
    StatusChange,
)

FIELDS = {
    "name": "事業所名",
    "name_kana": "事業所名カナ",
    "corporate_number": "法人番号",
    "insurance_number": "労働保険番号",
    "address": "所在地",
    "postal_code": "郵便番号",
    "phone": "電話番号",
    "industry": "業種",
    "workers": "労働者数",
}
REQUIRED = ["name", "address"]
SURE, DOUBTFUL = "sure", "doubtful"


@dataclass
class Plan:
    new: list[dict] = field(default_factory=list)  # rows that become businesses (first of each group)
    merges: list[tuple[int, dict]] = field(default_factory=list)  # (business id, row) to add as a source
    reviews: list[tuple[int, dict, int]] = field(default_factory=list)  # (business id, row, score)
    # Doubtful pairs within the file: (index in ``new`` of the earlier row, the later row, score).
    file_reviews: list[tuple[int, dict, int]] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    rows_read: int = 0


def suggest_mapping(headers: list[str]) -> dict[str, str]:
    """Map each field to the column whose header names it (事業所名, 名称, 所在地, 住所 …)."""
    synonyms = {
        "name": ["事業所名", "事業場名称", "名称", "商号", "法人名"],
        "name_kana": ["事業所名カナ", "カナ", "フリガナ"],
        "corporate_number": ["法人番号"],
        "insurance_number": ["労働保険番号"],
        "address": ["所在地", "住所"],
        "postal_code": ["郵便番号"],
        "phone": ["電話番号", "電話"],
        "industry": ["業種"],
        "workers": ["労働者数", "従業員数"],
    }
    return {
        target: next((h for h in headers if h in words), "")
        for target, words in synonyms.items()
        if any(h in words for h in headers)
    }


def _row_hash(values: dict) -> str:
    return hashlib.sha256(json.dumps(values, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


# The longest text each column may hold (the columns' sizes in the database).
LIMITS: dict[str, int] = {
    target: limit
    for target in FIELDS
    if (limit := getattr(Business._meta.get_field(target), "max_length", None))
}


def _validate(values: dict, line: int) -> list[str]:
    problems = [f"{line}行目「{FIELDS[f]}」：入力がありません。" for f in REQUIRED if not values.get(f)]
    problems += [
        f"{line}行目「{FIELDS[target]}」：{limit}文字を超えています（{len(values[target]):,}文字）。"
        for target, limit in LIMITS.items()
        if len(values.get(target, "")) > limit
    ]
    number = values.get("corporate_number", "")
    if number and not is_valid(number):
        problems.append(
            f"{line}行目「法人番号」：13桁の法人番号として正しくありません（チェックデジット不一致）：{number}"
        )
    insurance = values.get("insurance_number", "")
    if insurance and not numbers.is_digits(insurance, 14):
        problems.append(f"{line}行目「労働保険番号」：14桁の数字ではありません：{insurance}")
    if workers := values.get("workers", ""):
        try:
            numbers.whole_number(workers)
        except ValueError as error:
            problems.append(f"{line}行目「労働者数」：{error}")
    return problems


def _progress(job: ImportJob, percent: int) -> None:
    ImportJob.objects.filter(pk=job.pk).update(progress=percent)


# What the user chose for suspicious cells (ImportJob.suspicious_cells), kept in the job's mapping.
CHOICE = "_suspicious"
CLEAN, SKIP = "clean", "skip"


def _columns(job: ImportJob, headers: list[str]) -> dict[str, int]:
    return {
        target: headers.index(header)
        for target, header in job.mapping.items()
        if not target.startswith("_") and header in headers
    }


def suspicious_cells(job: ImportJob, headers: list[str], rows: list[list]) -> list[dict]:
    """The mapped cells that start like a formula or hold control characters, by row and column."""
    found: list[dict] = []
    if not tables.suspicious_in(cell for cells in rows for cell in cells):
        return found
    for line, cells in enumerate(rows, start=2):
        for target, i in _columns(job, headers).items():
            value = cells[i] if i < len(cells) else ""
            if reason := tables.suspicious(value):
                shown = tables.CONTROL.sub(lambda m: chr(0x2400 + ord(m.group())), str(value))
                found.append({"行": line, "列": FIELDS[target], "値": shown[:100], "理由": reason})
    return found


def plan(job: ImportJob, headers: list[str], rows: list[list]) -> Plan:
    """Decide, for every row, whether it is new, the same as a business already there, or doubtful."""
    result = Plan(rows_read=len(rows))
    index = _columns(job, headers)
    choice = job.mapping.get(CHOICE, SKIP)
    # The whole list in one search: most have nothing to clean, and then no cell is looked at again.
    look = tables.suspicious_in(cell for cells in rows for cell in cells)
    records = []
    for line, cells in enumerate(rows, start=2):
        values = {target: str(cells[i]).strip() if i < len(cells) else "" for target, i in index.items()}
        refused = []
        for target, value in values.items() if look else ():
            if reason := tables.suspicious(value):
                if choice == CLEAN:
                    values[target] = tables.cleaned(value)
                else:
                    refused.append(f"{line}行目「{FIELDS[target]}」：{reason}")
        values["corporate_number"] = values.get("corporate_number", "").replace("-", "")
        values["insurance_number"] = values.get("insurance_number", "").replace("-", "")
        if "postal_code" in values:
            values["postal_code"] = values["postal_code"].replace("-", "").replace("－", "")
        problems = refused + _validate(values, line)
        if problems:
            result.rejected.append(
                {"行": line, "理由": " ".join(problems), **{FIELDS[k]: v for k, v in values.items()}}
            )
        else:
            records.append({"line": line, **values, "row_hash": _row_hash(values)})
    _progress(job, 20)
    # A row already a source (the same file again, a resumed import) goes to the business that
    # holds it now, without being linked again: a re-import is mostly such rows (R-ROS-4).
    held = dict(
        BusinessSource.objects.filter(business__branch=job.branch)
        .order_by("pk")
        .values_list("row_hash", "business_id")
    )
    fresh = []
    for record in records:
        if (business_id := held.get(str(record["row_hash"]))) is not None:
            result.merges.append((business_id, {**record, "held": True}))
        else:
            fresh.append(record)
    records = fresh
    if not records:
        return result
    incoming = pl.DataFrame(records, infer_schema_length=None).with_row_index("i")
    kana = pl.col("name_kana") if "name_kana" in incoming.columns else pl.lit("")
    incoming = normalize.with_address_key(
        normalize.with_names(incoming, "name", branch="_branch"), "address"
    ).with_columns(normalize.search_texts(pl.col("name"), kana, pl.col("address")).alias("search_text"))
    _progress(job, 40)
    known = known_frame(Business.objects.filter(branch=job.branch))
    decided = dict(
        MatchReview.objects.filter(business__branch=job.branch)
        .exclude(decision=ReviewDecision.PENDING)
        .values_list("row_hash", "decision")
    )
    # A row a person said is another business (on review, or by separating it from the business
    # it had merged into) goes back to the business that holds it now, never to the first again.
    separated = dict(
        BusinessSource.objects.filter(
            business__branch=job.branch,
            row_hash__in=[h for h, d in decided.items() if d == ReviewDecision.DIFFERENT],
        ).values_list("row_hash", "business_id")
    )
    links = _link(incoming, known)
    twins = _waiting_twins(incoming, job)
    _progress(job, 70)
    seen_in_file: dict[tuple, dict] = {}
    for row in incoming.join(links, on="i", how="left").sort("i").iter_rows(named=True):
        record = {
            k: row[k]
            for k in ["line", *FIELDS, "row_hash", "core", "form", "address_key", "search_text"]
            if k in row
        }
        decision = decided.get(row["row_hash"])
        if decision == ReviewDecision.DIFFERENT and row["row_hash"] in separated:
            result.merges.append((separated[row["row_hash"]], record))
        elif row["b"] is not None and decision != ReviewDecision.DIFFERENT:
            if row["verdict"] == SURE or decision == ReviewDecision.SAME:
                result.merges.append((row["b"], record))
            else:
                result.reviews.append((row["b"], record, row["score"]))
        elif row["b"] is None and decision is None and row["i"] in twins:
            business_id, score = twins[row["i"]]
            result.reviews.append((business_id, record, score))
        else:
            # Rows of one file naming the same business become one business with several sources.
            keys = _same_business_keys(row)
            first = next((seen_in_file[key] for key in keys if key in seen_in_file), None)
            if first is not None:
                first.setdefault("also", []).append(record)
            else:
                result.new.append(record)
                first = record
            for key in keys:
                seen_in_file.setdefault(key, first)
    _within_file(result)
    return result


def _within_file(result: Plan) -> None:
    """Rows of the file that are new to the roster, linked among themselves as against the roster:
    a later row surely the same as an earlier one becomes its source, a doubtful one waits for a
    person (R-ROS-4) instead of becoming a second business. The exact keys have grouped already."""
    if len(result.new) < 2:
        return
    frame = keys_frame(result.new, "i")
    pairs = (
        _scored(frame, frame.rename({"i": "b"}))
        .filter(pl.col("b") < pl.col("i"))
        .sort(["i", "verdict", "score", "b"], descending=[False, True, True, False])
    )
    if pairs.is_empty():
        return
    # Which earlier row each row joined: a row that joined another (or waits) is no longer a
    # business of its own, so a later row goes to the one it joined.
    home: dict[int, int | None] = {}
    taken: set[int] = set()
    for i, b, verdict, score in pairs.select("i", "b", "verdict", "score").iter_rows():
        if i in taken:
            continue
        target = home.get(b, b)
        if target is None:
            continue
        taken.add(i)
        if verdict == SURE:
            home[i] = target
            first = result.new[target]
            record = result.new[i]
            first.setdefault("also", []).extend(
                [{k: v for k, v in record.items() if k != "also"}, *record.get("also", [])]
            )
        else:
            home[i] = None
            result.file_reviews.append((target, result.new[i], score))
    kept = [position for position in range(len(result.new)) if position not in taken]
    index = {position: n for n, position in enumerate(kept)}
    result.file_reviews = [(index[t], record, score) for t, record, score in result.file_reviews]
    result.new = [result.new[position] for position in kept]


KEYS = ["core", "form", "address_key", "corporate_number", "phone"]


def keys_frame(records: list[dict], index: str) -> pl.DataFrame:
    """The linking keys of import rows (as ``plan`` makes them), numbered ``index`` in list order."""
    return pl.DataFrame(
        [{key: record.get(key) or "" for key in KEYS} for record in records],
        schema=dict.fromkeys(KEYS, pl.String),
    ).with_row_index(index)


def known_frame(businesses: QuerySet[Business]) -> pl.DataFrame:
    """The linking keys of businesses, ``b`` their ids."""
    return pl.DataFrame(
        list(
            businesses.values_list(
                "pk", "name_core", "legal_form", "address_key", "corporate_number", "phone"
            )
        ),
        schema=["b", *KEYS],
        orient="row",
    )


def _waiting_twins(incoming: pl.DataFrame, job: ImportJob) -> dict[int, tuple[int, int]]:
    """Rows surely the same business as a row waiting for review (R-ROS-4), by index: they wait
    with it, against its business and with its score, and its answer settles them
    (roster.reviews.decide). Otherwise such a row became a business of its own, a twin of whatever
    the answer made."""
    waiting = list(
        MatchReview.objects.filter(business__branch=job.branch, decision=ReviewDecision.PENDING)
        .order_by("pk")
        .values_list("business_id", "incoming", "score")
    )
    if not waiting:
        return {}
    pairs = (
        _scored(incoming, keys_frame([row for _, row, _ in waiting], "b"))
        .filter(pl.col("verdict") == SURE)
        .sort(["i", "score", "b"], descending=[False, True, False])
        .unique(subset="i", keep="first")
    )
    return {i: (waiting[b][0], waiting[b][2]) for i, b in pairs.select("i", "b").iter_rows()}


def twins_of(record: dict, others: list[dict]) -> list[int]:
    """Which of ``others`` (import rows) are surely the same business as ``record``, by position."""
    if not others:
        return []
    pairs = _scored(keys_frame([record], "i"), keys_frame(others, "b")).filter(pl.col("verdict") == SURE)
    return sorted(set(pairs["b"].to_list()))


def surely_known(record: dict, businesses: QuerySet[Business]) -> int | None:
    """The business of ``businesses`` an import row is surely (R-ROS-4), or None. Only those sharing
    a linking key are read: a branch's roster is large, one row's candidates few."""
    core, address, number = (
        record.get("core") or "",
        record.get("address_key") or "",
        record.get("corporate_number"),
    )
    near = Q(address_key__startswith=re.sub(r"-\d+$", "", address)) if len(address) >= 2 else Q(pk__in=[])
    if len(core) >= 2:
        near |= Q(name_core__startswith=core[:4])
    if number:
        near |= Q(corporate_number=number)
    if record.get("phone"):
        near |= Q(phone=record["phone"])
    links = _link(keys_frame([record], "i"), known_frame(businesses.filter(near))).filter(
        pl.col("verdict") == SURE
    )
    return None if links.is_empty() else int(links["b"][0])


def _same_business_keys(row: dict) -> list[tuple]:
    """What makes two rows of one file the same business (R-ROS-4): the corporate number; else the
    name and address as normalised (legal form aside: 「㈱ミライ」 and 「ミライ」 at 西新宿1-2-3); or
    the same telephone number with the same name or the same address."""
    if row["corporate_number"]:
        return [("number", row["corporate_number"])]
    keys: list[tuple] = [("name+address", row["core"], row["address_key"])]
    phone = re.sub(r"\D", "", row.get("phone") or "")
    if len(phone) >= 10:
        keys += [("phone+name", phone, row["core"]), ("phone+address", phone, row["address_key"])]
    return keys


def _link(incoming: pl.DataFrame, known: pl.DataFrame) -> pl.DataFrame:
    """The best existing business for each incoming row, with a verdict (sure / doubtful) and score."""
    return (
        _scored(incoming, known)
        .sort(["i", "verdict", "score"], descending=[False, True, True])
        .unique(subset="i", keep="first")
    )


def _scored(incoming: pl.DataFrame, known: pl.DataFrame) -> pl.DataFrame:
    """Every (incoming row i, known business b) pair that is surely or doubtfully the same business."""
    empty = pl.DataFrame(schema={"i": pl.UInt32, "b": pl.Int64, "verdict": pl.String, "score": pl.Int32})
    if known.is_empty():
        return empty
    by_number = incoming.filter(pl.col("corporate_number") != "").join(
        known, on="corporate_number", suffix="_k"
    )
    by_number = by_number.select(
        "i",
        pl.col("b").cast(pl.Int64),
        pl.lit(SURE).alias("verdict"),
        pl.lit(100, dtype=pl.Int32).alias("score"),
    )
    # A branch's roster is small enough for looser blocks than the national run: the same
    # block of the town (the address without its last number) and the same start of the name.
    block = pl.col("address_key").str.replace(r"-\d+$", "")
    start = pl.col("core").str.slice(0, 4)
    # The telephone number, digits only: one business keeps its number when its name or address is
    # written otherwise (R-ROS-4); shorter than ten digits it says nothing.
    tel = pl.col("phone").fill_null("").str.replace_all(r"\D", "")
    if "phone" not in incoming.columns:
        incoming = incoming.with_columns(pl.lit("").alias("phone"))
    incoming, known = incoming.with_columns(tel.alias("tel")), known.with_columns(tel.alias("tel"))
    phone = pl.when(pl.col("tel").str.len_chars() >= 10).then(pl.col("tel")).otherwise(pl.lit(""))
    keys = [pl.col("core"), pl.col("address_key"), block, start, phone]
    pairs = pl.concat(
        [
            incoming.select("i", key.alias("key"))
            .filter(pl.col("key").str.len_chars() >= 2)
            .join(known.select("b", key.alias("key")).filter(pl.len().over("key") <= 200), on="key")
            .select("i", pl.col("b").cast(pl.Int64))
            for key in keys
        ]
    ).unique()
    columns = ["core", "form", "address_key", "tel", "corporate_number"]
    joined = pairs.join(incoming.select("i", *columns), on="i").join(
        known.select(pl.col("b").cast(pl.Int64), *columns), on="b", suffix="_r"
    )
    # Two different corporate numbers are two corporations, however alike their names.
    joined = joined.filter(
        (pl.col("corporate_number") == "")
        | (pl.col("corporate_number_r").fill_null("") == "")
        | (pl.col("corporate_number") == pl.col("corporate_number_r"))
    )
    if joined.is_empty():
        return by_number
    joined = joined.with_columns(
        identify.similarity(joined, "core").alias("name"),
        identify.similarity(joined, "address_key").alias("address"),
    )
    name, address = pl.col("name"), pl.col("address")
    same_form = (pl.col("form") == pl.col("form_r")) | (pl.col("form") == "") | (pl.col("form_r") == "")
    same_phone = (pl.col("tel") == pl.col("tel_r")) & (pl.col("tel").str.len_chars() >= 10)
    sure = (same_form & (((name >= 92) & (address >= 90)) | ((address == 100) & (name >= 85)))) | (
        same_phone & ((name >= 85) | (address >= 90))
    )
    # The same number under another name and address: a person looks (a move, a renaming, a shared line).
    doubtful = ((name >= 80) & ((address >= 60) | (name == 100))) | same_phone
    scored = joined.with_columns(
        pl.when(sure).then(pl.lit(SURE)).when(doubtful).then(pl.lit(DOUBTFUL)).alias("verdict"),
        (name * 0.6 + address * 0.4).round(0).cast(pl.Int32).alias("score"),
    ).filter(pl.col("verdict").is_not_null())
    return pl.concat([by_number, scored.select("i", "b", "verdict", "score")])


@cache
def _column_defaults() -> dict[str, Any]:
    # Not the time of the change: insert_rows stamps it as save() would.
    return {
        f.name: f.get_default()
        for f in Business._meta.concrete_fields
        if not f.primary_key and f.name != "updated_at"
    }


def _business_fields(job: ImportJob, record: dict, today: datetime.date) -> dict[str, Any]:
    """A new business's columns by field name (foreign keys as ids), as kit.rows.insert_rows takes
    them: no model instance per row, which was a third of a 100,000-row import's time."""
    city = cities.city_of(record["address"], job.branch.prefecture.name)
    return {
        **_column_defaults(),
        "branch": job.branch_id,
        "fiscal_year": job.fiscal_year_id,
        "name": record["name"],
        "name_kana": record.get("name_kana", ""),
        "corporate_number": record.get("corporate_number", ""),
        "insurance_number": record.get("insurance_number", ""),
        "prefecture": job.branch.prefecture_id,
        "address": record["address"],
        "city_code": city.code if city else "",
        "city": city.name if city else "",
        "postal_code": record.get("postal_code", ""),
        "phone": record.get("phone", ""),
        "industry": record.get("industry", ""),
        "workers": numbers.whole_number(record["workers"]) if record.get("workers") else None,
        "name_core": record["core"],
        "legal_form": record["form"],
        "address_key": record["address_key"],
        "search_text": record["search_text"],
        "status": BusinessStatus.ON_ROSTER,
        "identified_on": today,
    }


def new_business(job: ImportJob, record: dict) -> Business:
    """One new business from an import row (a doubtful row decided "different" on review)."""
    fields = _business_fields(job, record, timezone.localdate())
    attnames = {f.name: f.attname for f in Business._meta.concrete_fields}
    return Business(**{attnames[name]: value for name, value in fields.items()})


def put_on_roster(job: ImportJob, business_ids: list[int], new_ids: set[int]) -> None:
    """Enter the businesses on the job's year's roster (R-ROS-3), new ones with their first history step.

    A business already on that year's roster keeps its entry; one from the ministry's list is
    marked as added mid-year.
    """
    origin = EntryOrigin.MID_YEAR if job.kind == SourceKind.MINISTRY_LIST else EntryOrigin.NEW
    today, now = timezone.localdate(), timezone.now()
    insert_rows(
        RosterEntry,
        [
            {
                "business": b,
                "fiscal_year": job.fiscal_year_id,
                "origin": origin,
                "source": job.kind,
                "added_on": today,
            }
            for b in dict.fromkeys(business_ids)
        ],
        ignore_conflicts=True,
    )
    revisions.touch([job.branch_id])
    reason = fill(StatusChange, "reason", "取込：{filename}", filename=job.filename)
    insert_rows(
        StatusChange,
        [
            {
                "business": b,
                "from_status": "",
                "to_status": BusinessStatus.ON_ROSTER,
                "changed_at": now,
                "changed_by": job.created_by_id,
                "reason": reason,
            }
            for b in new_ids
        ],
    )


def original_row(record: dict) -> dict:
    """The row as the user sent it, under the Japanese field names."""
    return {FIELDS[k]: record[k] for k in FIELDS if record.get(k)}


def _source(job: ImportJob, business_id: int, record: dict, now) -> dict:
    return {
        "business": business_id,
        "kind": job.kind,
        "job": job.pk,
        "original": original_row(record),
        "row_hash": record["row_hash"],
        "added_at": now,
    }


@transaction.atomic
def apply(job: ImportJob, result: Plan) -> None:
    """Save a plan in one transaction; sources already there (the same row again) are skipped."""
    if not job.lock_unfinished():
        return
    now = timezone.now()
    today = timezone.localdate()
    new_ids = insert_rows(Business, [_business_fields(job, r, today) for r in result.new], return_ids=True)
    sources = []
    for business_id, record in zip(new_ids, result.new, strict=True):
        sources += [_source(job, business_id, r, now) for r in [record, *record.get("also", [])]]
    sources += [
        _source(job, business_id, record, now)
        for business_id, record in result.merges
        if not record.get("held")
    ]
    insert_rows(BusinessSource, sources, ignore_conflicts=True)
    put_on_roster(job, [*new_ids, *(b for b, _ in result.merges)], set(new_ids))
    reviews = [*result.reviews, *((new_ids[t], record, score) for t, record, score in result.file_reviews)]
    MatchReview.objects.bulk_create(
        [
            MatchReview(job=job, business_id=b, incoming={**record}, row_hash=record["row_hash"], score=score)
            for b, record, score in reviews
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    # A row that was already a source merged nothing new.
    merged = {b for b, record in result.merges if not record.get("held")} | {
        b for b, record in zip(new_ids, result.new, strict=True) if record.get("also")
    }
    if merged:
        # Merges are not saved one by one (a national file has 100,000): one entry lists them all.
        AuditEntry.record_event(
            "bulk_change",
            target=BusinessSource,
            target_repr=f"取込の名寄せ「{job.filename}」{len(merged):,}事業所",
            actor=job.created_by,
            branch_id=job.branch_id,
            objects=merged,
        )
    ImportJob.move(
        job.pk,
        JobStatus.DONE,
        progress=100,
        rows_read=result.rows_read,
        added=len(result.new),
        merged=len(result.merges) + sum(len(r.get("also", [])) for r in result.new),
        to_review=len(reviews),
        rejected=len(result.rejected),
        rejected_rows=result.rejected,
        finished_at=timezone.now(),
    )
