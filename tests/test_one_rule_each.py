"""A campaign's funnel role is one rule, read at query time by everything: the charter's awareness channels decide it
for every imported campaign the CRM gave no role (awareness spend, the quadrant, the awareness estimate and Explore
follow them), and a role the CRM gives is kept."""

from __future__ import annotations

import pytest

from alignment import awareness, catalog, explore, names, quadrant, warehouse
from alignment.ingest.load import import_extracts

Q = "2026-Q2"
DEFAULT = catalog.Definitions()
WITHOUT_TV = catalog.Definitions(awareness_channels=tuple(c for c in DEFAULT.awareness_channels if c != "tv"))
EMAIL_ONLY = catalog.Definitions(awareness_channels=("email",))
CHARTERS = {"default": DEFAULT, "without tv": WITHOUT_TV, "email only": EMAIL_ONLY}


@pytest.fixture(scope="module")
def spend_by_channel(reader) -> dict[str, float]:
    """The demo company's campaign cost in the quarter per channel (its CRM gives no campaign a role)."""
    cost = catalog.run(reader, "campaign_cost", {"quarter": Q})
    cost = cost[cost["cost"] > 0]
    return cost.groupby(cost["channel"].map(names.key))["cost"].sum().to_dict()


def _on(spend: dict[str, float], definitions: catalog.Definitions) -> dict[str, float]:
    return {channel: cost for channel, cost in spend.items() if channel in names.keys(definitions.awareness_channels)}


def test_the_demo_company_spends_on_the_channels_the_charters_move(spend_by_channel):
    # Otherwise the tests below would see nothing move for want of spend.
    assert spend_by_channel["tv"] > 0 and spend_by_channel["email"] > 0 and spend_by_channel["display"] > 0


@pytest.mark.parametrize("charter", CHARTERS)
def test_awareness_spend_is_the_spend_on_the_charters_awareness_channels(reader, spend_by_channel, charter):
    definitions = CHARTERS[charter]
    spent = catalog.value(reader, "awareness_spend", {"quarter": Q}, definitions)
    assert spent == pytest.approx(sum(_on(spend_by_channel, definitions).values()))


@pytest.mark.parametrize("charter", CHARTERS)
def test_explore_splits_awareness_spend_over_the_charters_awareness_channels(reader, spend_by_channel, charter):
    definitions = CHARTERS[charter]
    result = explore.explore(reader, explore.Request(metric="awareness_spend", by="channel", quarter=Q), definitions)
    shown = {group.key: group.value for group in result.groups if group.value}
    assert shown == pytest.approx(_on(spend_by_channel, definitions))


@pytest.mark.parametrize("charter", CHARTERS)
def test_the_quadrant_sets_apart_exactly_the_campaigns_on_the_charters_awareness_channels(reader, charter):
    definitions = CHARTERS[charter]
    placed = quadrant.place_campaigns(reader, Q, definitions=definitions)
    on_awareness = placed["channel"].map(names.key).isin(names.keys(definitions.awareness_channels))
    assert on_awareness.any() and (~on_awareness).any()
    assert set(placed.loc[placed["quadrant"] == quadrant.AWARENESS, "campaign_id"]) == set(
        placed.loc[on_awareness, "campaign_id"])
    # The others are judged on leads and pipeline: tv's campaigns too, once the charter says tv is not awareness.
    assert set(placed.loc[~on_awareness, "quadrant"]) <= set(quadrant.QUADRANTS)


def test_the_awareness_estimate_is_made_from_the_charters_awareness_channels(reader):
    settings = awareness.Settings(draws=20)
    estimated = {charter: set(awareness.for_quarter(reader, Q, definitions=definitions, settings=settings)
                              .channels["channel"]) for charter, definitions in CHARTERS.items()}
    assert "tv" in estimated["default"]
    assert "tv" not in estimated["without tv"]
    assert estimated["email only"] == {"email"}


def test_the_touch_credit_beside_the_estimate_is_the_charters_awareness_channels(reader):
    credit = awareness.touch_credit(reader, Q, definitions=EMAIL_ONLY)
    assert set(credit.index) <= {"email", awareness.ALL_CHANNELS}
    default = awareness.touch_credit(reader, Q, definitions=DEFAULT)
    assert "email" not in default.index and set(default.index) - {awareness.ALL_CHANNELS} <= set(
        names.keys(DEFAULT.awareness_channels))


def test_a_role_the_crm_gives_is_kept_and_the_charter_decides_the_others(salesforce_extract, tmp_path):
    # The hand-made extract's campaigns in 2024-Q1: CMP1, a webinar of 4,200 over 1 Jan–31 Mar (all in Q1), which
    # the CRM marks awareness here; CMP2, billboards with spend rows of 9,000 (February) and 9,000.50 (March), with no
    # role of its own.
    extract = salesforce_extract()
    rows = extract.rows("Campaign.csv")
    extract.write("Campaign.csv", [rows[0] + ["Funnel_Role__c"], rows[1] + ["awareness"], rows[2] + [""]])
    db = tmp_path / "warehouse.duckdb"
    import_extracts([extract.folder], db_path=db)
    reader = warehouse.open_reader(db)
    try:
        stored = dict(reader.execute("SELECT campaign_id, funnel_role FROM campaigns").fetchall())
        assert stored == {"CMP1": "awareness", "CMP2": None}
        spend = {charter: catalog.value(reader, "awareness_spend", {"quarter": "2024-Q1"}, definitions)
                 for charter, definitions in CHARTERS.items()}
    finally:
        reader.close()
    # Billboards are an awareness channel by default, not under an email-only charter; the webinar is awareness
    # under every charter, as its CRM says.
    assert spend == pytest.approx({"default": 22_200.5, "without tv": 22_200.5, "email only": 4200})
