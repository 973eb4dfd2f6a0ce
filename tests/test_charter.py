"""The quarter's charter: defaults from Definitions, validation, canonical JSON, scoped targets, carry-forward."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from alignment import charter as charters
from alignment import warehouse
from alignment.catalog import Definitions
from alignment.charter import Charter
from alignment.ingest.load import import_extracts
from alignment.signoff import Ledger
from alignment.users import User

ANALYST = User(name="ana", role="analyst")


@pytest.fixture(scope="module")
def small_reader(tmp_path_factory, new_salesforce_extract) -> warehouse.Reader:
    """The hand-made extract of tests/conftest.py, imported."""
    folder = tmp_path_factory.mktemp("charter")
    extract = new_salesforce_extract(folder / "extract")
    import_extracts([extract.folder], db_path=folder / "warehouse.duckdb", user="test")
    return warehouse.open_reader(folder / "warehouse.duckdb")


def test_a_new_charter_holds_the_default_definitions_and_the_scorecard_metrics():
    charter = Charter(quarter="2026-Q3")
    assert charter.definitions == Definitions()
    assert charter.metrics == charters.DEFAULT_METRICS
    assert charter.version == 0 and charter.carried_from is None


def test_the_canonical_json_does_not_depend_on_the_order_things_were_written_in():
    one = Charter(quarter="2026-Q3", definitions=Definitions(targets={"pipeline": 1e6, "mqls": 500}))
    other = Charter(quarter="2026-Q3", definitions=Definitions(targets={"mqls": 500, "pipeline": 1e6}))
    assert one.canonical() == other.canonical()
    assert one.digest() == other.digest()
    assert one.canonical().startswith('{"carried_from":null,"definitions":{')  # keys sorted, no spaces
    changed = one.model_copy(update={"definitions": one.definitions.model_copy(update={"sla_hours": 48.0})})
    assert changed.digest() != one.digest()


@pytest.mark.parametrize("fields, message", [
    ({"quarter": "2026-Q5"}, "write it like 2026-Q3"),
    ({"quarter": "2026-Q3", "metrics": []}, "choose at least one metric"),
    ({"quarter": "2026-Q3", "metrics": ["pipeline", "pipe_line"]}, "pipe_line is not a headline metric"),
    ({"quarter": "2026-Q3", "metrics": ["rejection_reasons"]}, "rejection_reasons is not a headline metric"),
    ({"quarter": "2026-Q3", "definitions": {"targets": {"bookingz": 1}}}, "target is set for bookingz"),
    ({"quarter": "2026-Q3", "region_targets": {" ": {"pipeline": 1}}}, "name the region or segment"),
    ({"quarter": "2026-Q3", "definitions": {"sla_hours": 0}}, "greater than 0"),
    ({"quarter": "2026-Q3", "definitions": {"stage_policy": "loose"}}, "'backfill' or 'strict'"),
])
def test_a_bad_charter_is_refused_with_a_message_to_act_on(fields, message):
    with pytest.raises(ValidationError, match=message):
        Charter.model_validate(fields)


def test_a_form_edit_is_applied_over_the_charter_and_validated_whole():
    charter = Charter(quarter="2026-Q3", definitions=Definitions(sla_hours=12))
    edited = charters.edited(charter, {"metrics": ["pipeline"], "definitions": {"bought_lead_price": 300}})
    assert edited.metrics == ("pipeline",)
    assert edited.definitions.bought_lead_price == 300 and edited.definitions.sla_hours == 12
    with pytest.raises(ValidationError, match="greater than or equal to 0"):
        charters.edited(charter, {"definitions": {"bought_lead_price": -1}})


def test_totals_keep_their_target_to_its_own_scope_and_rates_hold_everywhere():
    charter = Charter(
        quarter="2026-Q3",
        definitions=Definitions(targets={"pipeline": 1_000_000, "lead_quality": 0.2}, acceptance_target=0.85),
        region_targets={"EMEA": {"pipeline": 400_000}}, segment_targets={"SMB": {"lead_quality": 0.1}})
    assert charter.target("pipeline") == 1_000_000
    assert charter.target("pipeline", region="EMEA") == 400_000
    assert charter.target("pipeline", region="NA") is None  # a company total is no target for one region
    assert charter.target("lead_quality", region="NA") == 0.2
    assert charter.target("lead_quality", segment="SMB") == 0.1
    assert charter.target("acceptance_rate", region="EMEA") == 0.85  # the built-in acceptance target
    assert charter.target("cost_per_sales_ready_lead") == Definitions().bought_lead_price


def test_a_new_quarter_starts_from_the_nearest_earlier_charter(tmp_path):
    ledger = Ledger(tmp_path / "charter.sqlite")
    assert ledger.charter_in_force("2026-Q1") == Charter(quarter="2026-Q1")  # nothing saved anywhere: defaults
    q1 = Charter(quarter="2026-Q1", definitions=Definitions(sla_hours=12, targets={"mqls": 900}))
    ledger.save(ANALYST, q1, "Tighter SLA agreed at the offsite")
    carried = ledger.charter_in_force("2026-Q3")
    assert carried.carried_from == "2026-Q1" and carried.version == 0
    assert carried.definitions == q1.definitions and carried.metrics == q1.metrics
    ledger.save(ANALYST, carried.model_copy(update={"metrics": ("mqls", "pipeline")}), "Fewer metrics")
    assert ledger.charter_in_force("2026-Q4").metrics == ("mqls", "pipeline")  # Q3 is now the nearest
    assert ledger.charter_in_force("2025-Q4") == Charter(quarter="2025-Q4")  # earlier quarters are not touched
    assert ledger.charter_in_force("2026-Q1").version == 1


def test_the_values_a_charter_shows_are_computed_under_its_definitions(small_reader):
    # 2024-Q1 deals: O1 50,000 (Webinar → marketing), O2 12,500.75 (Outbound → sales), O3 empty amount = 0.
    # Pipeline 62,500.75; marketing-sourced share 50,000 / 62,500.75; counting Outbound as marketing makes it
    # (50,000 + 12,500.75) / 62,500.75 = 1. Inquiries: L1 (one person with C1), L2, L3, C2 created in Q1 = 4.
    charter = Charter(quarter="2024-Q1", metrics=("pipeline", "share_sourced_by_marketing", "inquiries"))
    assert charters.metric_values(small_reader, charter) == {
        "pipeline": 62500.75, "share_sourced_by_marketing": charters.rounded(50000 / 62500.75), "inquiries": 4}
    sources = {**charter.definitions.lead_source_categories, "outbound": "marketing"}
    remapped = charters.edited(charter, {"definitions": {"lead_source_categories": sources}})
    assert charters.metric_values(small_reader, remapped)["share_sourced_by_marketing"] == 1.0


def test_values_are_signed_to_nine_significant_digits():
    assert charters.rounded(0.1 + 0.2) == 0.3  # 0.30000000000000004 in binary
    assert charters.rounded(62500.75) == 62500.75
    assert charters.rounded(float("nan")) is None and charters.rounded(None) is None


def test_option_changes_name_each_option_that_moved():
    before = Charter(quarter="2026-Q3")
    after = charters.edited(before, {"definitions": {"sla_hours": 48, "targets": {"mqls": 10}}})
    assert charters.option_changes(before, after) == [
        ("definitions.sla_hours", 24.0, 48.0), ("definitions.targets.mqls", None, 10.0)]
    assert charters.option_changes(before, after.model_copy(update={"version": 7})) == \
        charters.option_changes(before, after)


def test_the_scorecard_columns_follow_the_chosen_metrics():
    charter = Charter(quarter="2026-Q3", metrics=("pipeline", "mqls", "impressions", "bookings"))
    assert charter.by_funnel_role() == {"awareness": ["impressions"], "demand_gen": ["mqls"],
                                        "sales": ["pipeline", "bookings"]}
    # MQLs feed SALs and impressions feed pipeline (their headers' pairs_with): SALs is read too, pipeline once.
    assert charter.metrics_and_pairs() == ["pipeline", "mqls", "impressions", "bookings", "sals"]
