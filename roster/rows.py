"""Inserting many rows of a table at once, for imports of a hundred thousand rows.

Django's bulk_create builds a model instance and compiles SQL for every row, and psycopg's
executemany pays a round trip per row; together they dominate a large import. Here each field
still prepares its own value for the database (JSON, dates and time zones are written exactly as
the ORM writes them), but a thousand rows go in one multi-row INSERT.
"""

from django.db import connection
from django.db.models import Model

ROWS_PER_STATEMENT = 1000  # at most 1000 × the columns parameters: under SQLite's limit of 32,766


def insert_rows(
    model: type[Model], rows: list[dict], *, ignore_conflicts: bool = False, returning: str | None = None
) -> list:
    """Insert ``rows`` (field name → value); with ``returning``, that column of each row, in order.

    The order of RETURNING rows for a multi-row VALUES is the insertion order on PostgreSQL and
    SQLite, which Django's own bulk_create relies on in the same way.
    """
    if not rows:
        return []
    fields = [model._meta.get_field(name) for name in rows[0]]
    quote = connection.ops.quote_name
    # Table and column names come from the model and are quoted; the values are parameters.
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    row_placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    tail = (" ON CONFLICT DO NOTHING" if ignore_conflicts else "") + (
        f" RETURNING {quote(returning)}" if returning else ""
    )
    returned = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            batch = rows[start : start + ROWS_PER_STATEMENT]
            values = ", ".join([row_placeholder] * len(batch))
            params = [
                field.get_db_prep_save(row[field.name], connection) for row in batch for field in fields
            ]
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {values}{tail}", params)  # noqa: S608
            if returning:
                returned += [r[0] for r in cursor.fetchall()]
    return returned
