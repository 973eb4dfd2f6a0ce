"""A tier written as copies of a smaller one (how XL is built from L) is that company side by side: twice the rows
and every count and sum, the same rates."""

from __future__ import annotations

import re

import pytest

from alignment import catalog, demo_generator, schema, warehouse
from alignment.ingest.load import import_extracts

QUARTER = {"quarter": "2026-Q2"}
COUNTS_AND_SUMS = ("inquiries", "mqls", "sqls", "opportunities_created", "won", "pipeline", "bookings",
                   "marketing_spend")
RATES = ("win_rate_count", "acceptance_rate", "average_deal_size", "share_sourced_by_marketing")
SF_ID = re.compile(rb"\b([0-9A-Za-z]{3})1(\d{11})\b")


@pytest.fixture(scope="module")
def once_and_twice(tmp_path_factory):
    """The XS company written once and as two copies (through the copy path), each imported."""
    root = tmp_path_factory.mktemp("copies")
    warehouses = {}
    for copies in (1, 2):
        folder = root / f"extracts-{copies}"
        demo_generator.write_demo_extracts(folder, scale="XS", end_quarter="2026-Q2", copies=copies)
        warehouses[copies] = root / f"warehouse-{copies}.duckdb"
        import_extracts([folder], db_path=warehouses[copies], user="test", roots=[folder])
    return root, warehouses


def test_the_second_copy_is_the_first_with_its_ids_renumbered(once_and_twice):
    root, _ = once_and_twice
    for file_name in demo_generator.EXTRACTS:
        once = (root / "extracts-1" / file_name).read_bytes()
        twice = (root / "extracts-2" / file_name).read_bytes()
        header, rows = once.split(b"\n", 1)
        assert twice.startswith(once), file_name  # copy 0 is the company as generated, byte for byte
        second = twice[len(once):]
        assert SF_ID.sub(rb"\g<1>0\g<2>", second) == rows, file_name
        if demo_generator.ID_COLUMNS[file_name]:
            assert second != rows, file_name  # its ids did move


def test_every_id_column_is_renumbered(once_and_twice):
    # A column of ids left out of ID_COLUMNS would make the copies share its ids (or refer across copies).
    root, _ = once_and_twice
    import csv
    for file_name in demo_generator.EXTRACTS:
        with open(root / "extracts-1" / file_name, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        ids = {column for column in rows[0]
               if any(row[column] for row in rows)
               and all(re.fullmatch(r"[0-9A-Za-z]{3}0\d{11}", row[column]) for row in rows if row[column])}
        assert ids == set(demo_generator.ID_COLUMNS[file_name]), file_name


def test_two_copies_import_as_twice_the_company(once_and_twice):
    _, warehouses = once_and_twice
    once, twice = (warehouse.Reader(warehouses[copies]) for copies in (1, 2))
    try:
        counts_once, counts_twice = warehouse.table_counts(once), warehouse.table_counts(twice)
        for table in schema.TABLES:
            if table in ("currency_rates", "stage_counts"):
                continue  # neither is in the demo's extracts (the corporate currency's rate is the import's own)
            assert counts_once[table] > 0, table
            assert counts_twice[table] == 2 * counts_once[table], table
        for name in COUNTS_AND_SUMS:
            single = catalog.value(once, name, QUARTER)
            assert single, name
            assert catalog.value(twice, name, QUARTER) == pytest.approx(2 * single, rel=1e-12), name
        for name in RATES:
            single = catalog.value(once, name, QUARTER)
            assert single, name
            assert catalog.value(twice, name, QUARTER) == pytest.approx(single, rel=1e-12), name
    finally:
        once.close()
        twice.close()


def test_copies_stay_within_one_digit_of_the_ids(tmp_path):
    with pytest.raises(ValueError, match="between 1 and 10"):
        demo_generator.copy_extracts(tmp_path, tmp_path / "out", 11)
