"""The SQL schema page: every table and column is described, and the page shows them."""

from __future__ import annotations

from tests.docs._tools import script

gen_schema = script("gen_schema")


def test_every_table_and_column_has_a_description() -> None:
    metadata = gen_schema.load_metadata()
    assert len(metadata.tables) >= 24
    assert gen_schema.missing_descriptions(metadata) == []


def test_the_page_has_a_row_per_column_with_its_description_and_key() -> None:
    metadata = gen_schema.load_metadata()
    page = gen_schema.render(metadata)
    for table in metadata.tables.values():
        assert f"## `{table.name}`" in page
        for column in table.columns:
            assert f"| `{column.name}` |" in page
    child = page[page.index("## `szo_child`") :]
    assert "| `regresor_id` | TEXT | TEXT | yes | FK → `szo_regresor.id` |" in child
    assert "| `code` | BIGINT | BIGINT | no | PK |" in child
    assert "`true`" in child.split("| `parents_taxpayers` |")[1].split("\n")[0]


# That PostgreSQL holds the same descriptions (migration 0006) is checked by
# tests/storage/test_sql.py::test_migrated_schema_matches_the_tables_in_the_code:
# Alembic compares comments on a dialect that keeps them.
