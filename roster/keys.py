"""The stored matching and search keys of businesses, computed again when lib.normalize's rules change."""

import polars as pl

from lib import normalize

CHUNK = 5000


def renormalize(apps, schema_editor) -> None:
    """Every business's name core, legal form, address key and search text by today's rules (a
    data migration: ``apps`` gives the historical model)."""
    Business = apps.get_model("roster", "Business")
    rows = list(Business.objects.values_list("pk", "name", "name_kana", "address"))
    for start in range(0, len(rows), CHUNK):
        chunk = pl.DataFrame(
            rows[start : start + CHUNK], schema=["pk", "name", "kana", "address"], orient="row"
        )
        chunk = normalize.with_address_key(normalize.with_names(chunk, "name"), "address").select(
            "pk",
            "core",
            "form",
            "address_key",
            normalize.search_texts(pl.col("name"), pl.col("kana"), pl.col("address")).alias("text"),
        )
        Business.objects.bulk_update(
            [
                Business(pk=pk, name_core=core_, legal_form=form_, address_key=key, search_text=text)
                for pk, core_, form_, key, text in chunk.iter_rows()
            ],
            ["name_core", "legal_form", "address_key", "search_text"],
            batch_size=2000,
        )
