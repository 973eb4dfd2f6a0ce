"""The rules moved between files give the numbers they gave: every headline metric's 8-quarter trend for 2026-Q2 on
the demo company, under seven definition sets, equals the reference written before the move (and the derived tables
equal theirs), except where a charter's awareness channels now reach imported campaigns as they always should have."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from alignment import catalog, defaults, names, warehouse

REFERENCE = Path(__file__).resolve().parent / "fixtures" / "reference" / "demo-S-2026-Q2.json"
QUARTER = "2026-Q2"
CASES: dict[str, tuple[dict, dict]] = {
    "defaults": ({}, {}),
    "region EMEA": ({"region": "EMEA"}, {}),
    "segment SMB, strict": ({"segment": "SMB"}, {"stage_policy": "strict"}),
    "no such segment": ({"segment": "Nonexistent"}, {}),
    "SLA 4 h, awareness = email": ({}, {"sla_hours": 4.0, "awareness_channels": ("email",)}),
    "interest 30 d x 1, personas user": ({}, {"interest_window_days": 30, "interest_touches": 1,
                                              "sales_ready_personas": ("user",)}),
    "interest 0 d x 0, strict": ({"region": "NA"}, {"interest_window_days": 0, "interest_touches": 0,
                                                    "stage_policy": "strict"}),
}
"""Filter sets and charter choices that reach the precomputed columns and the rest (bench/scorecard_equality.py
compares the whole scorecard with single metrics under the same sets)."""
DERIVED = ("touches", "person_stage_dates", "opportunity_facts")
# The one difference the move may make: an import stored each campaign's role, its channel's under the *default*
# awareness channels when the CRM gave none, so a charter's awareness channels changed nothing on imported campaigns.
# Now only a role the CRM gives is stored and the charter's channels decide the rest at query time: under a charter
# whose only awareness channel is email, exactly the metrics that ask a campaign's role move. The demo company's CRM
# gives no role, so under the default channels every number stays as it was.
MOVED_BY_THE_CHARTERS_CHANNELS = {"SLA 4 h, awareness = email | awareness_spend",
                                  "SLA 4 h, awareness = email | awareness_sourced_inquiries"}
# What touches held before: its funnel_role column, the campaign's stored role (the default channels' when the CRM
# gave none), is no longer stored; added back from the same rule under the default channels, the table is unchanged.
# Each touch's account and persona, stored since with it, are its person's (tests/test_accounts_touches.py): the
# reference's columns are compared, unchanged.
AS_STORED_BEFORE = {"touches": "SELECT t.* EXCLUDE (account_id, persona), "
                               "campaign_role(c.funnel_role, t.channel, $default_channels) AS funnel_role "
                               "FROM touches t JOIN campaigns c USING (campaign_id)",
                    # Currencies added each deal's amount at its close rate, its own amount and its currency after
                    # the columns the reference holds; the reference's columns are compared, unchanged.
                    "opportunity_facts": "SELECT * EXCLUDE (closed_amount, original_amount, currency) "
                                         "FROM opportunity_facts"}


def scorecard_dump(reader) -> dict[str, list]:
    """Every headline metric's trend under every case, keyed "case | metric"."""
    dumped = {}
    for case, (filters, choices) in CASES.items():
        for card in catalog.scorecard(reader, {**filters, "quarter": QUARTER}, catalog.Definitions(**choices)):
            dumped[f"{case} | {card.name}"] = [point.value for point in card.trend]
    return dumped


def table_digests(reader, queries: dict[str, str] | None = None) -> dict[str, str]:
    """A digest of each derived table's whole content (or of what `queries` read instead), rows sorted (column order
    and names included)."""
    cursor = catalog.cursor(reader)
    digests = {}
    for table in DERIVED:
        query = (queries or {}).get(table, "SELECT * FROM " + table)
        frame = cursor.execute(query, {"default_channels": names.keys(defaults.AWARENESS_CHANNELS)}
                               if "$default_channels" in query else None).df()
        # A list aggregated in parallel (a person's touch times) comes in no fixed order: compare it sorted.
        rows = sorted(json.dumps({k: sorted(v, key=str) if hasattr(v, "__len__") and not isinstance(v, str) else v
                                  for k, v in row.items()}, default=str, sort_keys=True)
                      for row in frame.to_dict("records"))
        digests[table] = hashlib.sha256("\n".join([",".join(frame.columns), *rows]).encode()).hexdigest()
    return digests


def close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    # DuckDB sums doubles in parallel, in no fixed order: the last digits may differ between two runs.
    return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)), abs(float(b)))


@pytest.fixture(scope="module")
def reference() -> dict:
    return json.loads(REFERENCE.read_text(encoding="utf-8"))


def test_every_metric_under_every_definition_set_equals_the_reference(reader, reference):
    now = scorecard_dump(reader)
    assert set(now) >= set(reference["scorecard"]), sorted(set(reference["scorecard"]) - set(now))
    differ = {key for key, values in reference["scorecard"].items()
              if not all(close(a, b) for a, b in zip(values, now[key], strict=True))}
    assert differ == MOVED_BY_THE_CHARTERS_CHANNELS


def test_the_derived_tables_equal_the_reference(reader, reference):
    assert table_digests(reader, AS_STORED_BEFORE) == reference["derived"]


if __name__ == "__main__":  # writes the reference: run once, on the commit before the rules move
    import sys
    import tempfile

    from alignment import demo

    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "warehouse.duckdb"
        demo.build_demo(db_path, end_quarter="2026-Q3", **demo.REFERENCE_COMPANY)
        reader = warehouse.open_reader(db_path)
        REFERENCE.write_text(json.dumps({"scorecard": scorecard_dump(reader), "derived": table_digests(reader)},
                                        indent=0, sort_keys=True), encoding="utf-8")
        reader.close()
    sys.exit(0)
