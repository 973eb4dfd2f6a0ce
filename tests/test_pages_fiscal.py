"""Scorecard, Funnel, Explore and Charter headless (AppTest) on a small warehouse whose fiscal year starts in
February: FY labels, the quarter from the URL, and numbers cut by the fiscal quarter's days.

The hand-made extract's deals: O1 (50,000) opened 1 Feb 2024 10:00 UTC, won with close date 30 Apr 2024; O2
(12,500.75) opened 15 Feb 2024, open; O3 (no amount) opened 1 Mar 2024, lost on 15 May 2024. A February fiscal year
named by its end makes FY25-Q1 = 1 Feb – 30 Apr 2024, so by hand: bookings FY25-Q1 = 50,000 (O1 closes on its last
day) and pipeline FY25-Q1 = 50,000 + 12,500.75 + 0 = 62,500.75 (all three opened in it); in the calendar quarter
2024-Q1 (January – March) the same data books nothing."""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from alignment import catalog, demo, warehouse
from alignment.catalog import Filters
from alignment.charter import Charter
from alignment.ingest.load import import_extracts
from alignment.periods import CALENDAR_YEAR, FiscalCalendar, Quarter, current_calendar, using_calendar
from alignment.presentation import formats as fmt
from alignment.signoff import Content, Ledger
from alignment.users import NotAllowed, User
from tests.conftest import sign_in
from tests.test_pages_review import _charts, _data, _scorecard_tile, _table, _texts
from ui import charts

APP = str(Path(__file__).resolve().parents[1] / "app.py")
FEB = FiscalCalendar(start_month=2, year_named_by="end")
QUARTER = "FY25-Q1"


@pytest.fixture(scope="module")
def fiscal_db(tmp_path_factory, new_salesforce_extract) -> Path:
    folder = tmp_path_factory.mktemp("fiscal")
    extract = new_salesforce_extract(folder / "extract")
    db_path = folder / "warehouse.duckdb"
    import_extracts([extract.folder], db_path=db_path, roots=[folder], calendar=FEB)
    return db_path


@pytest.fixture(scope="module")
def fiscal_reader(fiscal_db):
    reader = warehouse.open_reader(fiscal_db)
    yield reader
    reader.close()


def _open(db: Path, page: str | None = None, **query) -> AppTest:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(warehouse.DB_ENV, str(db))
        at = sign_in(AppTest.from_file(APP, default_timeout=90))
        at.query_params.update({"quarter": QUARTER, **query})
        at.run()
        if page:
            at.switch_page(page).run()
        assert not at.exception, at.exception
        return at


def test_the_fiscal_numbers_worked_by_hand(fiscal_reader):
    q = Quarter.parse(QUARTER, FEB)
    assert (q.first_day.isoformat(), q.last_day.isoformat()) == ("2024-02-01", "2024-04-30")
    assert catalog.value(fiscal_reader, "bookings", Filters(quarter=q)) == 50000
    assert catalog.value(fiscal_reader, "pipeline", Filters(quarter=q)) == pytest.approx(62500.75)
    assert catalog.value(fiscal_reader, "bookings", Filters(quarter=Quarter(year=2024, number=1))) == 0


def test_the_scorecard_shows_the_fiscal_quarter_from_the_url(fiscal_db):
    at = _open(fiscal_db)
    picker = at.selectbox(key="filter_quarter")
    assert picker.value == QUARTER and all(option.startswith("FY") for option in picker.options)
    assert "FY25-Q1 · 1 Feb – 30 Apr 2024" in picker.proto.help
    assert "Fiscal year starting in February" in picker.proto.help
    assert _scorecard_tile(at, "Bookings")[0] == fmt.currency(50000)
    assert _scorecard_tile(at, "Pipeline")[0] == fmt.currency(62500.75)
    # a running quarter's tiles give the earlier quarters in full, not a change from a part to a whole
    assert "FY24-Q4 in full" in _texts(at) and "vs FY24-Q4" not in _texts(at)
    assert any("FY25-Q1 · 1 Feb – 30 Apr 2024; FY24-Q4 · 1 Nov 2023 – 31 Jan 2024; FY24-Q1 · 1 Feb – 30 Apr 2023."
               in (c.proto.help or "") for c in at.caption)
    # The extract's data runs to 11 March 2024: FY25-Q1 is its running quarter, the one the dashboard opens on, so
    # the URL naming it says no more than the default and is kept clean (defaults stay out of the URL).
    assert "quarter" not in at.query_params
    assert current_calendar() == CALENDAR_YEAR  # the page run's calendar stays in the page run's thread


def test_the_funnel_counts_the_fiscal_quarter(fiscal_db, fiscal_reader):
    at = _open(fiscal_db, "pages/review_funnel.py")
    expected = catalog.funnel(fiscal_reader, Filters(quarter=Quarter.parse(QUARTER, FEB)), "period")
    table = _table(at, "Volume (people)").set_index("Stage")
    assert table.loc["Won", "Value"] == fmt.currency(50000) == fmt.currency(expected.set_index("stage").loc["won",
                                                                                                          "value"])


def test_explore_groups_by_fiscal_quarters(fiscal_db):
    at = _open(fiscal_db, "pages/analyse_explore.py", metric="bookings", by="quarter")
    bars = _charts(at)[0]["data"][0]
    assert bars["x"] == ["FY23-Q2", "FY23-Q3", "FY23-Q4", "FY24-Q1", "FY24-Q2", "FY24-Q3", "FY24-Q4", "FY25-Q1"]
    assert _data(bars["y"]) == [0, 0, 0, 0, 0, 0, 0, 50000]
    records = _table(at, "Opportunity")
    assert list(records["Opportunity"]) == ["O1"]  # the quarter's won deal, closed on its last day


def test_the_charter_names_the_fiscal_quarter_and_its_days(fiscal_db):
    at = _open(fiscal_db, "pages/govern_charter.py")
    texts = _texts(at)
    assert "FY25-Q1 charter" in texts
    assert "FY25-Q1 is 1 Feb – 30 Apr 2024. Fiscal year starting in February" in texts
    values = _table(at, "Metric").set_index("Metric")
    assert fmt.currency(50000) in values.loc["Bookings"].astype(str).tolist()


def test_a_trends_hover_gives_each_fiscal_quarters_days():
    frame = pd.DataFrame({"quarter": ["FY24-Q4", "FY25-Q1"], "series": ["Pipeline"] * 2, "value": [1.0, 2.0]})
    with using_calendar(FEB):
        figure = charts.trend_bars(frame, unit="currency", colours={}, y_title="Pipeline")
    bar = figure.data[0]
    assert list(bar.text) == ["1 Nov 2023 – 31 Jan 2024", "1 Feb – 30 Apr 2024"]
    assert "%{x} (%{text})" in bar.hovertemplate and bar.textposition == "none"


@pytest.fixture(scope="module")
def fiscal_demo(tmp_path_factory) -> Path:
    """The demo company, ending with calendar 2026-Q3, on a fiscal year starting in February."""

    db_path = tmp_path_factory.mktemp("fiscal-demo") / "warehouse.duckdb"
    demo.build_demo(db_path, end_quarter="2026-Q3", calendar=FEB, currencies=("USD",))
    return db_path


def _pages() -> list[str]:
    tree = ast.parse(Path(APP).read_text(encoding="utf-8"))
    found = next(node.value for node in tree.body if isinstance(node, ast.Assign)
                 and getattr(node.targets[0], "id", "") == "PAGES")
    return [entry[0] for pages in ast.literal_eval(found).values() for entry in pages]


@pytest.mark.parametrize("page", _pages())
def test_every_page_runs_on_fiscal_quarters(fiscal_demo, page):
    """FY27-Q2 is 1 May – 31 Jul 2026: every page opens on it from the URL and offers only fiscal quarters."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(warehouse.DB_ENV, str(fiscal_demo))
        at = sign_in(AppTest.from_file(APP, default_timeout=120))
        at.query_params["quarter"] = "FY27-Q2"
        at.run()
        at.switch_page(page).run()
    assert not at.exception, at.exception
    picker = at.selectbox(key="filter_quarter")
    assert picker.value == "FY27-Q2" and all(option.startswith("FY") for option in picker.options)
    assert not [t for t in at.toast if "not in the loaded data" in str(t.value)]


@pytest.fixture
def own_db(tmp_path, new_salesforce_extract) -> Path:
    extract = new_salesforce_extract(tmp_path / "extract")
    db_path = tmp_path / "warehouse.duckdb"
    import_extracts([extract.folder], db_path=db_path, roots=[tmp_path], calendar=FEB)
    return db_path


def _data_page(db: Path, role: str) -> AppTest:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(warehouse.DB_ENV, str(db))
        at = sign_in(AppTest.from_file(APP, default_timeout=90), role)
        at.run()
        at.switch_page("pages/analyse_data.py").run()
    assert not at.exception, at.exception
    return at


def _submit(at: AppTest, db: Path) -> AppTest:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(warehouse.DB_ENV, str(db))
        at.button[[b.label for b in at.button].index("Set the calendar")].click().run()
    assert not at.exception, at.exception
    return at


def test_an_analyst_sets_the_calendar_on_the_data_page(own_db):
    at = _data_page(own_db, "analyst")
    assert "Fiscal year starting in February" in _texts(at)
    at.selectbox[[s.label for s in at.selectbox].index("Fiscal year starts in")].set_value("April")
    at.text_input[[t.label for t in at.text_input].index("Time zone")].set_value("Europe/Berlin")
    at = _submit(at, own_db)
    assert warehouse.calendar_of(own_db) == FiscalCalendar(start_month=4, time_zone="Europe/Berlin")
    assert at.selectbox(key="filter_quarter").value.startswith("FY")
    assert "Fiscal year starting in April" in _texts(at)


def test_the_data_page_refuses_a_bad_zone_and_a_change_while_signed(own_db):
    at = _data_page(own_db, "analyst")
    at.text_input[[t.label for t in at.text_input].index("Time zone")].set_value("Moon/Base")
    at = _submit(at, own_db)
    assert any("write an IANA name" in e.value for e in at.error)
    ledger = Ledger.beside(own_db)
    with using_calendar(FEB):  # the ledger's quarters are the warehouse's
        charter = Charter(quarter="FY25-Q1", metrics=("pipeline",))
        ledger.save(User(name="ana", role="analyst"), charter, "Draft")
        ledger.propose(User(name="ana", role="analyst"), "FY25-Q1", "Ready")
        ledger.sign(User(name="carla", role="cmo"), Content(charter=charter.model_copy(update={"version": 1}),
                                                            values={"pipeline": 1.0}, data_fingerprint="f" * 64),
                    comment="Agreed", acknowledged_checklist=True, checklist=[])
    at = _data_page(own_db, "analyst")
    at.selectbox[[s.label for s in at.selectbox].index("Fiscal year starts in")].set_value("July")
    at = _submit(at, own_db)
    # The message is shown as text (Markdown's characters escaped).
    assert any("cannot change while quarters are signed \\(FY25\\-Q1\\)" in e.value for e in at.error)
    assert any("starting in February" in e.value for e in at.error)
    assert warehouse.calendar_of(own_db) == FEB


def test_only_those_who_import_see_the_calendar_form(own_db):
    at = _data_page(own_db, "viewer")
    assert "Fiscal year starting in February" in _texts(at)
    assert "Set the calendar" not in [b.label for b in at.button]


def test_the_core_refuses_a_calendar_change_by_a_user_who_may_not_import(own_db):
    with pytest.raises(NotAllowed, match="only Analyst may import"):
        warehouse.set_calendar(own_db, FiscalCalendar(start_month=7), user=User(name="vic", role="vp_sales"))
    assert warehouse.calendar_of(own_db) == FEB
