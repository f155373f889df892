"""Inserting many rows of a table at once, for imports of a hundred thousand rows.

Django's bulk_create builds a model instance and compiles SQL for every row (about 0.1 ms each),
which dominates a large import. Rows that need no id back (sources, roster entries, history)
go in as plain values; each field still prepares its own value for the database, so JSON,
dates and time zones are written exactly as the ORM would write them.
"""

from django.db import connection
from django.db.models import Model


def insert_rows(model: type[Model], rows: list[dict], *, ignore_conflicts: bool = False) -> None:
    if not rows:
        return
    fields = [model._meta.get_field(name) for name in rows[0]]
    quote = connection.ops.quote_name
    # Table and column names come from the model and are quoted; the values are parameters.
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    conflict = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders}){conflict}"  # noqa: S608
    values = [[field.get_db_prep_save(row[field.name], connection) for field in fields] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)
