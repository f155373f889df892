"""Pydantic's refusals in Japanese, naming the field, as the pages word theirs: the API's clients
are office staff's spreadsheets and the promoters' phones, whose people read Japanese."""

from typing import Any

# pydantic's error type → the message; {field} is the field as the client sent it, the rest come
# from the error's context (ge, le, max_length, …).
MESSAGES: dict[str, str] = {
    "missing": "「{field}」を指定してください。",
    "greater_than_equal": "「{field}」は{ge}以上にしてください。",
    "less_than_equal": "「{field}」は{le}以下にしてください。",
    "greater_than": "「{field}」は{gt}より大きい値にしてください。",
    "less_than": "「{field}」は{lt}より小さい値にしてください。",
    "multiple_of": "「{field}」は{multiple_of}の倍数にしてください。",
    "int_parsing": "「{field}」は整数で指定してください。",
    "int_type": "「{field}」は整数で指定してください。",
    "int_from_float": "「{field}」は整数で指定してください。",
    "float_parsing": "「{field}」は数値で指定してください。",
    "float_type": "「{field}」は数値で指定してください。",
    "decimal_parsing": "「{field}」は数値で指定してください。",
    "decimal_type": "「{field}」は数値で指定してください。",
    "finite_number": "「{field}」は有限の数値で指定してください。",
    "bool_parsing": "「{field}」は true か false で指定してください。",
    "bool_type": "「{field}」は true か false で指定してください。",
    "string_type": "「{field}」は文字列で指定してください。",
    "string_too_short": "「{field}」は{min_length}文字以上にしてください。",
    "string_too_long": "「{field}」は{max_length}文字以内にしてください。",
    "string_pattern_mismatch": "「{field}」に使えない文字が含まれています。",
    "string_unicode": "「{field}」の文字が正しくありません。",
    "too_short": "「{field}」は{min_length}件以上にしてください。",
    "too_long": "「{field}」は{max_length}件以内にしてください。",
    "list_type": "「{field}」は配列で指定してください。",
    "dict_type": "「{field}」はオブジェクトで指定してください。",
    "model_type": "「{field}」はオブジェクトで指定してください。",
    "model_attributes_type": "「{field}」はオブジェクトで指定してください。",
    "date_parsing": "「{field}」は日付（例：2026-04-01）で指定してください。",
    "date_from_datetime_parsing": "「{field}」は日付（例：2026-04-01）で指定してください。",
    "date_from_datetime_inexact": "「{field}」は時刻のない日付（例：2026-04-01）で指定してください。",
    "date_type": "「{field}」は日付（例：2026-04-01）で指定してください。",
    "datetime_parsing": "「{field}」は日時（例：2026-04-01T09:00:00+09:00）で指定してください。",
    "datetime_from_date_parsing": "「{field}」は日時（例：2026-04-01T09:00:00+09:00）で指定してください。",
    "datetime_type": "「{field}」は日時（例：2026-04-01T09:00:00+09:00）で指定してください。",
    "time_parsing": "「{field}」は時刻（例：09:00）で指定してください。",
    "time_type": "「{field}」は時刻（例：09:00）で指定してください。",
    "uuid_parsing": "「{field}」はUUIDで指定してください。",
    "uuid_type": "「{field}」はUUIDで指定してください。",
    "enum": "「{field}」は次のいずれかにしてください：{expected}",
    "literal_error": "「{field}」は次のいずれかにしてください：{expected}",
    "extra_forbidden": "「{field}」は指定できません。",
    "json_invalid": "JSONの形式が正しくありません。",
    "json_type": "JSONの形式が正しくありません。",
    "url_parsing": "「{field}」はURLで指定してください。",
}
OTHER = "「{field}」の値が正しくありません。"
# Where a value came from, not part of its name: /api/v1/businesses?limit=… is "limit".
SOURCES = {"query", "path", "body", "header", "cookie", "form", "file"}


def field_of(error: dict[str, Any]) -> str:
    """The field as the client wrote it: ``limit`` of the query, ``visits.0.business_id`` of the
    body (whose one schema is the whole body: its parameter name in the view is not the client's)."""
    loc = [str(part) for part in error.get("loc", ())]
    if loc and loc[0] == "body":
        return ".".join(loc[2:]) or loc[-1]
    return ".".join(loc[1:] if loc and loc[0] in SOURCES else loc)


def message(error: dict[str, Any]) -> str:
    """The Japanese message of one pydantic error, naming its field."""
    kind = error.get("type", "")
    field = field_of(error) or "入力"
    if kind == "value_error":
        # A validator's own (Japanese) message, without pydantic's English lead-in.
        return str(error.get("msg", "")).removeprefix("Value error, ")
    context = {key: _shown(value) for key, value in (error.get("ctx") or {}).items()}
    try:
        return MESSAGES.get(kind, OTHER).format(field=field, **context)
    except (KeyError, IndexError):
        return OTHER.format(field=field)


def _shown(value: Any) -> str:
    text = str(value)
    # pydantic quotes choices English-style: 'a', 'b' or 'c'.
    return text.replace("' or '", "'、'").replace("'", "") if isinstance(value, str) else text
