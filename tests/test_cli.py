"""The command line end to end, as a scheduler would run it: demo extracts, import, refusal, metrics, funnel."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from alignment import catalog, warehouse

ROOT = Path(__file__).resolve().parents[1]


def cli(*args: str, db: Path | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "alignment", *(["--db", str(db)] if db else []), *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.fixture(scope="module")
def demo_import(tmp_path_factory) -> tuple[Path, Path]:
    """`demo --out D` then `import D --format salesforce --db X`, as the issue's "done when" says."""
    folder = tmp_path_factory.mktemp("cli")
    extracts, db = folder / "extracts", folder / "warehouse.duckdb"
    written = cli("demo", "--out", str(extracts), "--end-quarter", "2026-Q3")
    assert written.returncode == 0, written.stderr
    loaded = cli("import", str(extracts), "--format", "salesforce", "--quiet", db=db)
    assert loaded.returncode == 0, loaded.stderr
    return extracts, db


def test_demo_writes_salesforce_files_and_import_loads_them(demo_import):
    extracts, db = demo_import
    names = sorted(p.name for p in extracts.iterdir())
    assert {"Account.csv", "Lead.csv", "Contact.csv", "Opportunity.csv", "CampaignMember.csv"} <= set(names)
    with open(extracts / "Lead.csv", newline="") as handle:
        lead_rows = sum(1 for _ in csv.reader(handle)) - 1
    with open(extracts / "Contact.csv", newline="") as handle:
        contact_rows = sum(1 for _ in csv.reader(handle)) - 1
    counts = warehouse.table_counts(warehouse.open_reader(db))
    # Converted leads fold into their contacts, so people = contacts + unconverted leads ≤ leads + contacts.
    assert 0 < counts["people"] <= lead_rows + contact_rows
    assert counts["campaign_members"] > 0 and counts["opportunities"] > 0


def test_broken_file_exits_2_names_file_row_column_and_changes_nothing(demo_import, tmp_path):
    _, db = demo_import
    before = (db.stat().st_ino, db.read_bytes())
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "Opportunity.csv").write_text(
        "Id,AccountId,CreatedDate,Amount,IsClosed,IsWon\n"
        "006A,001A,2026-07-01T10:00:00.000+0000,1000,false,false\n"
        "006B,001A,2026-07-02T10:00:00.000+0000,lots,false,false\n")
    result = cli("import", str(broken), "--format", "salesforce", "--quiet", db=db)
    assert result.returncode == 2
    assert "Opportunity.csv, row 3, column 'Amount': is not a number (value 'lots')" in result.stderr
    assert "unchanged" in result.stderr
    assert (db.stat().st_ino, db.read_bytes()) == before


@pytest.mark.parametrize("args", [
    ("import", "no-such-folder"),
    ("import", ".", "--format", "mapping"),
    ("metrics", "--quarter", "2026-Q5"),
    ("funnel", "--quarter", "Q3 2026"),
    ("demo", "--end-quarter", "next"),
    ("metrics", "--quarter", "2026-Q3", "--format", "xml"),
])
def test_bad_input_exits_2_with_a_readable_message(args, tmp_path):
    result = cli(*args, db=tmp_path / "none.duckdb")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip()


def test_metrics_json_matches_the_catalog(demo_import):
    _, db = demo_import
    result = cli("metrics", "--quarter", "2026-Q3", "--format", "json", db=db)
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert set(rows) == {m.name for m in catalog.headline_metrics()}
    reader = warehouse.open_reader(db)
    for name in ("mqls", "pipeline", "sla_met_share"):
        assert rows[name]["value"] == pytest.approx(catalog.value(reader, name, {"quarter": "2026-Q3"}))
        assert rows[name]["unit"] == catalog.spec(name).unit


def test_metrics_csv_has_one_row_per_metric(demo_import):
    _, db = demo_import
    result = cli("metrics", "--quarter", "2026-Q3", "--region", "EMEA", db=db)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["name", "title", "value", "unit", "not_measured"]
    assert len(rows) == len(catalog.headline_metrics())
    assert all(row["not_measured"] == "" for row in rows)  # the demo company holds every input


@pytest.mark.parametrize("view", ["period", "cohort"])
def test_funnel_lists_the_six_stages_in_order(demo_import, view):
    _, db = demo_import
    result = cli("funnel", "--quarter", "2026-Q3", "--view", view, "--format", "json", db=db)
    assert result.returncode == 0, result.stderr
    stages = [row["stage"] for row in json.loads(result.stdout)]
    assert stages == ["inquiry", "mql", "sal", "sql", "opportunity", "won"]


def test_quality_lists_every_check(demo_import):
    _, db = demo_import
    result = cli("quality", "--format", "json", db=db)
    assert result.returncode == 0, result.stderr
    checks = {c["name"]: c["count"] for c in json.loads(result.stdout)}
    # The demo company plants deals without an amount and without contact roles on purpose.
    assert checks["opportunities_amount_empty"] > 0
    assert checks["opportunities_without_contact_roles"] > 0


def test_a_folder_with_nothing_recognisable_is_refused(demo_import, tmp_path):
    _, db = demo_import
    before = db.read_bytes()
    (tmp_path / "notes.csv").write_text("a,b\n1,2\n")
    result = cli("import", str(tmp_path), "--format", "salesforce", "--quiet", db=db)
    assert result.returncode == 2
    assert "none of the files was recognised as a salesforce extract" in result.stderr
    assert db.read_bytes() == before


@pytest.mark.parametrize("basis", ["pipeline", "bookings"])
def test_attribution_csv_is_exactly_the_four_columns_and_reconciles(demo_import, basis):
    _, db = demo_import
    result = cli("attribution", "--model", "w_shaped", "--basis", basis, "--quarter", "2026-Q3", db=db)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "opportunity_id,campaign_id,share,credited_amount"
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    shares: dict[str, float] = {}
    for row in rows:
        shares[row["opportunity_id"]] = shares.get(row["opportunity_id"], 0.0) + float(row["share"])
    assert all(abs(total - 1) < 1e-9 for total in shares.values())
    unattributed = [r for r in rows if r["campaign_id"] == ""]
    assert unattributed and all(float(r["share"]) == 1 for r in unattributed)
    credited = sum(float(r["credited_amount"]) for r in rows)
    expected = catalog.value(warehouse.open_reader(db), basis, {"quarter": "2026-Q3"})
    assert credited == pytest.approx(expected, abs=0.005)
