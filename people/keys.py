"""People's stored search text, computed again when lib.normalize's rules change."""

import polars as pl

from lib import normalize


def refold(apps, schema_editor) -> None:
    """Every person's search text by today's rules (a data migration: ``apps`` gives the historical model)."""
    Person = apps.get_model("people", "Person")
    rows = list(Person.objects.values_list("pk", "full_name", "full_name_kana"))
    if not rows:
        return
    frame = pl.DataFrame(rows, schema=["pk", "n", "k"], orient="row", infer_schema_length=None)
    texts = frame.select("pk", normalize.search_texts(pl.col("n"), pl.col("k")).alias("t"))
    Person.objects.bulk_update(
        [Person(pk=pk, search_text=text) for pk, text in texts.iter_rows()], ["search_text"], batch_size=2000
    )
