"""has_data: a quarter has data when anything was recorded in it under the filters, else the pages say "no data"."""

from __future__ import annotations

import pytest

from alignment import catalog
from metric_fixtures import Company

QUARTER = "2026-Q3"  # [2026-07-01, 2026-10-01) UTC


def _has_data(company: Company, quarter: str = QUARTER, **filters) -> bool:
    return catalog.has_data(company.connect(), {**filters, "quarter": quarter})


def _company() -> Company:
    """Two accounts: E (EMEA, Enterprise) and S (NA, SMB); P on E and Q on S were created before the quarter."""
    company = Company().account("E", region="EMEA", segment="Enterprise").account("S", region="NA", segment="SMB")
    company.person("P", "2026-01-05", account_id="E").person("Q", "2026-01-05", account_id="S")
    company.campaign("W", "webinar")
    return company


def test_nothing_recorded_in_the_quarter():
    # Both people were created in Q1 and nothing else happened.
    assert not _has_data(_company())
    assert not _has_data(Company())  # an empty warehouse


def test_a_person_created_in_the_quarter():
    assert _has_data(_company().person("R", "2026-07-01 00:00", account_id="E"))  # exactly on the boundary: inside
    assert not _has_data(_company().person("R", "2026-10-01 00:00", account_id="E"))  # the next quarter's first instant
    assert not _has_data(_company().person("R", "2026-06-30 23:59", account_id="E"))


def test_a_lifecycle_event_in_the_quarter():
    assert _has_data(_company().event("P", "mql", "2026-08-15"))
    assert not _has_data(_company().event("P", "mql", "2026-06-15"))


@pytest.mark.parametrize("deal", [
    dict(created="2026-08-01"),  # created in the quarter
    dict(created="2026-03-01", close_date="2026-09-30", is_closed=True),  # closed in it (lost or won)
])
def test_an_opportunity_created_or_closed_in_the_quarter(deal):
    assert _has_data(_company().opportunity("O", account_id="E", **deal))


def test_an_opportunity_open_across_the_quarter_is_not_data():
    # Created before, closing after: nothing happened to it in Q3; a close date alone (still open) does not count.
    assert not _has_data(_company().opportunity("O", "2026-03-01", account_id="E", close_date="2026-12-01"))
    assert not _has_data(_company().opportunity("O", "2026-03-01", account_id="E", close_date="2026-08-01"))


def test_a_responded_touch_in_the_quarter():
    assert _has_data(_company().member("W", "P", "2026-07-20"))
    # Added in the quarter without responding is not a touch.
    assert not _has_data(_company().member("W", "P", added="2026-07-20", has_responded=False))
    # Responded without a response date: the touch is when the person was added.
    assert _has_data(_company().member("W", "P", added="2026-07-20"))


def test_the_region_and_segment_filters_scope_through_the_account():
    # Only P (EMEA, Enterprise) did something in Q3: an MQL, and a deal on E created in the quarter.
    company = _company().event("P", "mql", "2026-08-15").opportunity("O", "2026-08-01", account_id="E")
    assert _has_data(company, region="EMEA") and _has_data(company, segment="Enterprise")
    assert not _has_data(company, region="NA")
    assert not _has_data(company, segment="SMB")
    assert not _has_data(company, region="EMEA", segment="SMB")


def test_a_deal_alone_scopes_through_its_account():
    company = _company().opportunity("O", "2026-08-01", account_id="S")
    assert _has_data(company, region="NA") and not _has_data(company, region="EMEA")
