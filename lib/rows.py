"""Inserting many rows of a table at once, for imports of a hundred thousand rows.

Django's bulk_create builds a model instance and compiles SQL for every row; with psycopg's
client-side parameters a large INSERT spends its time splitting the query. Here each field that
needs it prepares its own value for the database (JSON, dates and time zones are written exactly
as the ORM writes them; integers, text, booleans and keys go as they are), and then: on PostgreSQL
the rows go through COPY (ids, when wanted, are drawn from the table's sequence first); elsewhere
a thousand rows go in one multi-row INSERT. Used by imports and by the national claims run.
"""

from django.db import connection, models
from django.db.models import Model

# Fields whose Python value is already what the database takes.
PLAIN = (models.IntegerField, models.CharField, models.TextField, models.BooleanField, models.ForeignKey)
ROWS_PER_STATEMENT = 1000  # at most 1000 × the columns parameters: under SQLite's limit of 32,766


def insert_rows(
    model: type[Model], rows: list[dict], *, ignore_conflicts: bool = False, return_ids: bool = False
) -> list[int]:
    """Insert ``rows`` (field name → value); with ``return_ids``, the new ids in the rows' order."""
    if not rows:
        return []
    names = list(rows[0])
    fields = [model._meta.get_field(name) for name in names]
    adapted = [
        (name, None if isinstance(field, PLAIN) else field) for name, field in zip(names, fields, strict=True)
    ]
    values = [
        [
            field.get_db_prep_save(row[name], connection)
            if field is not None and row[name] is not None
            else row[name]
            for name, field in adapted
        ]
        for row in rows
    ]
    quote = connection.ops.quote_name
    # Table and column names come from the model and are quoted; the values are parameters.
    table = quote(model._meta.db_table)
    columns = [quote(f.column) for f in fields]
    if connection.vendor == "postgresql":
        return _copy(model, table, columns, values, ignore_conflicts=ignore_conflicts, return_ids=return_ids)
    row_placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    tail = (" ON CONFLICT DO NOTHING" if ignore_conflicts else "") + (" RETURNING id" if return_ids else "")
    ids = []
    with connection.cursor() as cursor:
        for start in range(0, len(values), ROWS_PER_STATEMENT):
            batch = values[start : start + ROWS_PER_STATEMENT]
            placeholders = ", ".join([row_placeholder] * len(batch))
            params = [value for row in batch for value in row]
            cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES {placeholders}{tail}", params)
            if return_ids:
                # RETURNING follows the VALUES order here, as Django's bulk_create also relies on.
                ids += [r[0] for r in cursor.fetchall()]
    return ids


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
