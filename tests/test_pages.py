"""Every page of the dashboard runs headless (AppTest) against the demo company: shell, filters and the Data page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from alignment import demo, history, warehouse
from tests.conftest import crm_export, sign_in

APP = str(Path(__file__).resolve().parents[1] / "app.py")
FIXTURES = crm_export("fivetran-salesforce-seeds")
END_QUARTER = "2026-Q2"  # the demo ends with this quarter, so the filter bar must open on it

PAGES = {
    "pages/review_scorecard.py": "Scorecard",
    "pages/review_funnel.py": "Funnel",
    "pages/review_pipeline.py": "Pipeline & revenue",
    "pages/review_campaigns.py": "Campaigns",
    "pages/review_leads.py": "Leads & SLA",
    "pages/review_accounts.py": "Accounts",
    "pages/govern_charter.py": "Charter & sign-off",
    "pages/govern_board_pack.py": "Board pack",
    "pages/analyse_explore.py": "Explore",
    "pages/analyse_data.py": "Data",
}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    """The demo company, built once for the whole module."""
    db_path = tmp_path_factory.mktemp("demo") / "warehouse.duckdb"
    demo.build_demo(db_path, end_quarter=END_QUARTER, **demo.REFERENCE_COMPANY)
    return db_path


@pytest.fixture
def demo_app(demo_db, monkeypatch) -> AppTest:
    monkeypatch.setenv(warehouse.DB_ENV, str(demo_db))
    return sign_in(AppTest.from_file(APP, default_timeout=60))


@pytest.fixture
def own_copy(demo_db, tmp_path, monkeypatch) -> Path:
    """A copy of the demo warehouse (and its import history) this test may import into."""
    db_path = tmp_path / "warehouse.duckdb"
    shutil.copy(demo_db, db_path)
    shutil.copy(history.path_for(demo_db), history.path_for(db_path))
    monkeypatch.setenv(warehouse.DB_ENV, str(db_path))
    return db_path


def _texts(at: AppTest) -> str:
    """Every piece of text on the page, the sidebar included."""
    return "\n".join(str(e.value) for kind in ("markdown", "caption", "text", "error", "success", "info")
                     for e in getattr(at, kind))


def test_the_app_opens_on_the_scorecard_with_the_latest_full_quarter(demo_app):
    at = demo_app.run()
    assert not at.exception
    assert at.title[0].value == "Scorecard"
    assert at.selectbox(key="filter_quarter").value == END_QUARTER
    assert at.selectbox(key="filter_region").value == "All"
    assert at.query_params == {}  # defaults stay out of the URL
    assert "Demo company" in _texts(at)  # the badge, in the sidebar and the footer
    assert "Data as of 30 Jun 2026" in _texts(at)


@pytest.mark.parametrize("page, title", PAGES.items())
def test_every_page_runs_inside_the_shell(demo_app, page, title):
    at = demo_app.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == [title]
    quarter = at.selectbox(key="filter_quarter")
    assert quarter.value == END_QUARTER  # the shared filter bar is on every page
    assert quarter.disabled == (title == "Data")  # greyed out where it does not apply
    assert "Data as of" in _texts(at)  # and so is the footer


def test_filter_changes_rerun_and_land_in_the_url(demo_app):
    at = demo_app.run()
    at.selectbox(key="filter_quarter").set_value("2025-Q4").run()
    assert not at.exception
    assert at.query_params == {"quarter": "2025-Q4"}
    at.selectbox(key="filter_region").set_value("EMEA").run()
    assert not at.exception
    assert at.query_params == {"quarter": "2025-Q4", "region": "EMEA"}
    assert "2025-Q4 · EMEA · all segments" in _texts(at)

    at.switch_page("pages/review_funnel.py").run()
    assert not at.exception
    assert at.selectbox(key="filter_region").value == "EMEA"
    assert at.query_params == {"quarter": "2025-Q4", "region": "EMEA"}

    at.selectbox(key="filter_quarter").set_value(END_QUARTER).run()
    assert at.query_params == {"region": "EMEA"}


def test_a_pasted_url_restores_the_filters(demo_app):
    demo_app.query_params.update({"quarter": "2025-Q3", "region": "APAC", "segment": "SMB"})
    at = demo_app.run()
    assert not at.exception
    assert (at.selectbox(key="filter_quarter").value, at.selectbox(key="filter_region").value,
            at.selectbox(key="filter_segment").value) == ("2025-Q3", "APAC", "SMB")
    assert not at.warning  # seeding widgets from the URL must not trip Streamlit's session-state warning
    assert "2025-Q3 · APAC · SMB" in _texts(at)


def test_a_url_with_unknown_values_falls_back_to_the_defaults(demo_app):
    demo_app.query_params.update({"quarter": "1999-Q9", "region": "<b>Atlantis</b>"})
    at = demo_app.run()
    assert not at.exception
    assert at.selectbox(key="filter_quarter").value == END_QUARTER
    assert at.selectbox(key="filter_region").value == "All"
    assert at.query_params == {}


BROKEN_OPPORTUNITIES = (
    b"Id,AccountId,Name,StageName,Amount,CloseDate,CreatedDate,IsClosed,IsWon\n"
    b"006A,001A,Deal A,Prospecting,1000,2026-07-01,2026-05-01,false,false\n"
    b"006B,001A,Deal B,Closed Won,not a number,next tuesday,2026-05-02,true,true\n"
)


def _frame(at: AppTest, *columns: str):
    """The first table on the page with these columns (AppTest does not expose a display-only frame's key)."""
    for element in at.dataframe:
        if set(columns) <= set(element.value.columns):
            return element.value
    raise LookupError(f"no table with columns {columns}")


def _table_counts(at: AppTest) -> dict[str, int]:
    frame = _frame(at, "Table", "Grain", "Rows")
    return dict(zip(frame["Table"], frame["Rows"]))


def test_a_refused_import_shows_the_report_and_changes_nothing(own_copy):
    at = sign_in(AppTest.from_file(APP, default_timeout=60)).run()
    at.switch_page("pages/analyse_data.py").run()
    before, identity = _table_counts(at), warehouse.identity(own_copy)

    at.file_uploader(key="data_uploads_0").set_value(("Opportunity.csv", BROKEN_OPPORTUNITIES, "text/csv"))
    at.run()
    at.button(key="data_import").click().run()

    assert not at.exception
    assert "Import refused: 2 problems in 1 file." in at.error[0].value
    assert "The loaded data is unchanged" in at.error[0].value
    report = _frame(at, "File", "Column", "Problem", "Example rows")
    assert set(report["Column"]) == {"Amount", "CloseDate"}
    assert set(report["Example rows"]) == {"3"}
    assert "'next tuesday'" in set(report["Example values"])
    assert any("row 3, column 'CloseDate': is not a date in any layout tried" in t.value
               and "(value 'next tuesday')" in t.value for t in at.text)
    assert _table_counts(at) == before
    assert warehouse.identity(own_copy) == identity
    assert history.list_imports(own_copy)[0]["status"] == "refused"


def test_only_an_analyst_may_import(own_copy):
    # Validating reads the same files as importing, so a viewer is offered neither; the other tabs stay open.
    at = sign_in(AppTest.from_file(APP, default_timeout=60), "viewer").run()
    at.switch_page("pages/analyse_data.py").run()
    assert not at.exception
    assert any("Only an analyst validates and imports data" in info.value for info in at.info)
    assert not [b for b in at.button if b.key in ("data_validate", "data_import")]
    assert _table_counts(at)["people"] > 1000 and _frame(at, "Started", "By", "Result") is not None
    # what the page does not offer, the core refuses too (tests/security/test_security_files.py)


def test_a_good_import_replaces_the_data_everywhere(own_copy):
    at = sign_in(AppTest.from_file(APP, default_timeout=60)).run()
    at.switch_page("pages/analyse_data.py").run()
    assert _table_counts(at)["people"] > 1000  # the demo company

    at.file_uploader(key="data_uploads_0").set_value(
        [(path.name, path.read_bytes(), "text/csv") for path in sorted(FIXTURES.glob("*.csv"))])
    at.run()
    at.button(key="data_import").click().run()

    assert not at.exception, at.exception
    assert "data loaded from 10 Salesforce files" in at.success[0].value
    counts = _table_counts(at)
    assert (counts["people"], counts["opportunities"], counts["campaigns"]) == (5, 10, 4)
    changes = _frame(at, "Table", "Before", "Now", "Change").set_index("Table")
    assert changes.loc["opportunities", "Now"] == 10
    assert "Demo company" not in _texts(at)  # the footer and sidebar no longer say demo
    imports = _frame(at, "Started", "By", "Result")
    assert imports[["By", "Result"]].values.tolist()[1:] == [["demo", "Loaded"]]  # newest first: ours, then the demo
    assert imports["Result"].tolist()[0] == "Loaded"


def test_validate_only_reports_what_would_load_and_changes_nothing(own_copy):
    at = sign_in(AppTest.from_file(APP, default_timeout=60)).run()
    at.switch_page("pages/analyse_data.py").run()
    identity = warehouse.identity(own_copy)
    at.radio(key="data_origin").set_value("A folder on the server").run()
    at.text_input(key="data_folder").input(str(FIXTURES)).run()
    at.button(key="data_validate").click().run()

    assert not at.exception
    assert "Valid." in at.success[0].value
    would_load = _frame(at, "Table", "Before", "Now", "Change").set_index("Table")
    assert would_load.loc["opportunities", "Now"] == 10
    assert warehouse.identity(own_copy) == identity


def test_the_data_page_lists_quality_checks_with_their_rows(demo_app):
    at = demo_app.run()
    at.switch_page("pages/analyse_data.py").run()
    checks = _frame(at, "Check", "Records")
    assert {"Check", "Records", "Why it matters"} <= set(checks.columns)
    flagged = checks[checks["Records"] > 0]
    assert len(at.expander) >= len(flagged)
    assert "Opportunities with the amount empty (counted as 0)" in set(flagged["Check"])
