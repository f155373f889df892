"""Inserting many rows of a table at once, for imports of a hundred thousand rows.

Django's bulk_create builds a model instance and compiles SQL for every row; with psycopg's
client-side parameters a large INSERT spends its time splitting the query. Here each field that
needs it prepares its own value for the database (JSON, dates and time zones are written exactly
as the ORM writes them; integers, text, booleans and keys go as they are), and then: on PostgreSQL
the rows go through COPY (ids, when wanted, are drawn from the table's sequence first); elsewhere
a thousand rows go in one multi-row INSERT. Used by imports and by the national claims run.
"""

import json
from operator import itemgetter
from typing import cast

from django.db import connection, models
from django.db.models import Model
from django.utils import timezone

# Fields whose Python value is already what the database takes.
PLAIN = (models.IntegerField, models.CharField, models.TextField, models.BooleanField, models.ForeignKey)
ROWS_PER_STATEMENT = 1000
SQLITE_MAX_PARAMETERS = 32_766


def insert_rows(
    model: type[Model], rows: list[dict], *, ignore_conflicts: bool = False, return_ids: bool = False
) -> list[int]:
    """Insert ``rows`` (field name → value); with ``return_ids``, the new ids in the rows' order."""
    if not rows:
        return []
    names = list(rows[0])
    # Concrete columns only: rows name fields, never reverse relations.
    fields = [cast(models.Field, model._meta.get_field(name)) for name in names]
    # The row's values in column order at C speed; only the columns that need it are adapted.
    take = itemgetter(*names)
    values = [list(take(row)) for row in rows] if len(names) > 1 else [[row[names[0]]] for row in rows]
    # Stamped as save() would (kit.tracked's updated_at): the database's own default has whole
    # seconds on SQLite, which an incremental sync asking "since 12:00:00.5" would miss.
    stamped = [
        f
        for f in model._meta.concrete_fields
        if (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)) and f.name not in names
    ]
    if stamped:
        now = timezone.now()
        fields += stamped
        for row_values in values:
            row_values += [now] * len(stamped)
    for position, field in enumerate(fields):
        if isinstance(field, PLAIN):
            continue
        adapt = _adapter(field)
        for row_values in values:
            if (value := row_values[position]) is not None:
                row_values[position] = adapt(value)
    quote = connection.ops.quote_name
    # Table and column names come from the model and are quoted; the values are parameters.
    table = quote(model._meta.db_table)
    columns = [quote(cast(str, f.column)) for f in fields]
    if connection.vendor == "postgresql":
        return _copy(model, table, columns, values, ignore_conflicts=ignore_conflicts, return_ids=return_ids)
    row_placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    tail = (" ON CONFLICT DO NOTHING" if ignore_conflicts else "") + (" RETURNING id" if return_ids else "")
    ids = []
    with connection.cursor() as cursor:
        per_statement = min(ROWS_PER_STATEMENT, SQLITE_MAX_PARAMETERS // len(fields))
        for start in range(0, len(values), per_statement):
            batch = values[start : start + per_statement]
            placeholders = ", ".join([row_placeholder] * len(batch))
            params = [value for row in batch for value in row]
            cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES {placeholders}{tail}", params)
            if return_ids:
                # RETURNING follows the VALUES order here, as Django's bulk_create also relies on.
                ids += [r[0] for r in cursor.fetchall()]
    return ids


def _adapter(field):
    """The field's preparation of a value for the database, done once per distinct value: most rows
    repeat a few dates and times, and preparing each anew was a third of the national claims run's
    writing time."""
    if isinstance(field, models.JSONField):
        # JSON goes as its text, which both databases parse: psycopg would otherwise dump the same
        # wrapped value again for every row of a COPY. Not kept: keying a dict by its text would
        # cost as much as writing it (an import's sources are all different).
        return lambda value: json.dumps(value, cls=field.encoder)
    prepared: dict = {}

    def adapt(value):
        key = (type(value), value)
        if key not in prepared:
            prepared[key] = field.get_db_prep_save(value, connection)
        return prepared[key]

    return adapt


def _copy(
    model, table: str, columns: list[str], values: list[list], *, ignore_conflicts: bool, return_ids: bool
) -> list[int]:
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # psycopg's own cursor: COPY is not in the DB-API
        ids = []
        if return_ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [model._meta.db_table, len(values)],
            )
            ids = [r[0] for r in cursor.fetchall()]
            columns = ['"id"', *columns]
            values = [[pk, *row] for pk, row in zip(ids, values, strict=True)]
        target = table
        if ignore_conflicts:
            # COPY cannot skip conflicts: load a scratch table, then insert what is new.
            target = "issou_copy_scratch"
            listed = ", ".join(columns)
            cursor.execute(
                f"CREATE TEMP TABLE {target} ON COMMIT DROP AS SELECT {listed} FROM {table} WITH NO DATA"
            )
        with cursor.copy(f"COPY {target} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in values:
                copy.write_row(row)
        if ignore_conflicts:
            insert_new = (
                f"INSERT INTO {table} ({listed}) SELECT {listed} FROM {target} ON CONFLICT DO NOTHING"
            )
            cursor.execute(insert_new)
            cursor.execute(f"DROP TABLE {target}")
    return ids


def delete_rows(queryset) -> int:
    """Delete the rows of ``queryset`` in one statement, without loading them or sending signals.

    Only for rows nothing references and whose removal needs no audit row each: a draft claim's
    lines, recomputed whenever the claim is built (the national run rebuilds some 17,000 at once,
    which row by row with the audit trail took over a minute).
    """
    model = queryset.model
    subquery, params = queryset.values("pk").query.sql_with_params()
    table, key = (
        connection.ops.quote_name(model._meta.db_table),
        connection.ops.quote_name(model._meta.pk.column),
    )
    with connection.cursor() as cursor:
        # The inner SELECT is wrapped once more: MySQL-style engines refuse a subquery on the table
        # being deleted from, and PostgreSQL and SQLite plan it the same.
        cursor.execute(f"DELETE FROM {table} WHERE {key} IN (SELECT * FROM ({subquery}) AS chosen)", params)
        return cursor.rowcount
