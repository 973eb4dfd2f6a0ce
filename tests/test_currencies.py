"""Amounts in several currencies, worked by hand: each converted once into the corporate currency at the rate of its
date (pipeline at creation, bookings at close), campaign costs at their start, and an amount without a rate refused."""

from __future__ import annotations

import hashlib
import json
import re

import pytest
from metric_fixtures import Company, run

from alignment import currency, warehouse
from alignment.ingest.load import ImportRejected, import_extracts


def eur_company() -> Company:
    # EUR rates (EUR per 1 USD): 0.8 from 2026-07-01, 0.9 from 2026-08-15, a change inside Q3.
    # D1: 900 EUR, created 07-10 (0.8: 1,125 USD), won 08-20 (0.9: 1,000 USD).
    # D2: 500 USD (no currency: the corporate one), created 07-05, lost 09-01.
    # D3: 720 EUR created 08-01 and still open (0.8: 900 USD).
    return (Company()
            .rate("EUR", "2026-07-01", 0.8).rate("EUR", "2026-08-15", 0.9)
            .opportunity("D1", "2026-07-10", amount=900, currency="EUR", close_date="2026-08-20", is_closed=True,
                         is_won=True)
            .opportunity("D2", "2026-07-05", amount=500, close_date="2026-09-01", is_closed=True)
            .opportunity("D3", "2026-08-01", amount=720, currency="EUR"))


def value(con, name: str, **options) -> float:
    return run(con, name, **options)[0]["value"]


def test_pipeline_uses_the_creation_rate_and_bookings_the_close_rate():
    con = eur_company().connect()
    assert value(con, "pipeline") == pytest.approx(1125 + 500 + 900)
    assert value(con, "bookings") == pytest.approx(1000)
    # Won 1,000 of 1,000 + 500 closed in the quarter, in dollars.
    assert value(con, "win_rate_value") == pytest.approx(1000 / 1500)
    assert value(con, "average_deal_size") == pytest.approx(1000)


def test_the_conversion_date_is_a_setting():
    # Every deal at creation: D1 books 1,125; every deal at close: D1 counts 1,000 in the pipeline too.
    assert value(eur_company().connect(conversion_date="creation"), "bookings") == pytest.approx(1125)
    assert value(eur_company().connect(conversion_date="close"), "pipeline") == pytest.approx(1000 + 500 + 900)


def test_an_amount_in_the_corporate_currency_is_never_converted():
    # Corporate EUR: D1 stays 900 EUR, D2 (no currency) is EUR too.
    con = eur_company().connect(corporate="EUR")
    assert value(con, "bookings") == pytest.approx(900)
    assert value(con, "pipeline") == pytest.approx(900 + 500 + 720)


def test_a_gbp_campaign_cost_and_spend_row_are_converted_at_their_dates():
    # GBP per 1 USD: 0.8 from 2026-01-01, 0.5 from 2026-08-01. C1: 800 GBP over 07-01..09-29, all in Q3, at its start
    # date's rate 0.8: 1,000 USD. C2's spend row of 08-01: 400 GBP at 0.5 = 800 USD.
    company = (Company().rate("GBP", "2026-01-01", 0.8).rate("GBP", "2026-08-01", 0.5)
               .campaign("C1", "webinar", start="2026-07-01", end="2026-09-29", actual_cost=800, currency="GBP")
               .campaign("C2", "paid_search", start="2026-07-01", end="2026-09-30", actual_cost=99_999)
               .spend("C2", "2026-08-01", 400, currency="GBP"))
    assert value(company.connect(), "marketing_spend") == pytest.approx(1000 + 800)


def test_settings_are_guarded():
    assert currency.CurrencySettings(corporate=" eur ").corporate == "EUR"
    with pytest.raises(ValueError, match="three-letter ISO 4217 code"):
        currency.CurrencySettings(corporate="EURO")
    with pytest.raises(ValueError):
        currency.CurrencySettings(conversion_date="whenever")


# ---------------------------------------------------------------------------------------------------------------
# The import: Salesforce's currency columns and rate files.

def with_currencies(extract, currencies: dict[str, str]) -> None:
    """Add a CurrencyIsoCode column to Opportunity.csv, by deal id."""
    rows = extract.rows("Opportunity.csv")
    extract.write("Opportunity.csv", [rows[0] + ["CurrencyIsoCode"]]
                  + [row + [currencies.get(row[0], "")] for row in rows[1:]])


def test_salesforce_rates_convert_each_deal_at_its_dates(salesforce_extract, tmp_path):
    extract = salesforce_extract()
    # O1: 50,000 EUR created 2024-02-01 (CurrencyType's undated 0.8: 62,500 USD), won 2024-04-30 (dated 1.0 from
    # 04-01: 50,000 USD). The code is written in lower case and stored upper-cased.
    with_currencies(extract, {"O1": "eur"})
    extract.write("CurrencyType.csv", [["IsoCode", "ConversionRate", "IsCorporate", "IsActive"],
                                       ["USD", "1", "true", "true"], ["EUR", "0.8", "false", "true"]])
    extract.write("DatedConversionRate.csv", [["IsoCode", "StartDate", "NextStartDate", "ConversionRate"],
                                              ["EUR", "2024-04-01", "9999-12-31", "1.0"]])
    db_path = tmp_path / "warehouse.duckdb"
    import_extracts([extract.folder], db_path=db_path, user="tester")
    reader = warehouse.open_reader(db_path)
    try:
        assert currency.settings(reader) == currency.CurrencySettings(corporate="USD")
        facts = reader.execute("SELECT opportunity_id, amount, closed_amount, original_amount, currency "
                               "FROM opportunity_facts ORDER BY 1").fetchall()
    finally:
        reader.close()
    assert facts[0] == ("O1", pytest.approx(62_500), pytest.approx(50_000), 50_000, "EUR")
    assert facts[1] == ("O2", 12_500.75, 12_500.75, 12_500.75, None)


def test_the_corporate_currency_comes_from_currency_type(salesforce_extract, tmp_path):
    extract = salesforce_extract()
    extract.write("CurrencyType.csv", [["IsoCode", "ConversionRate", "IsCorporate"], ["EUR", "1", "true"]])
    db_path = tmp_path / "warehouse.duckdb"
    import_extracts([extract.folder], db_path=db_path, user="tester")
    reader = warehouse.open_reader(db_path)
    try:
        assert currency.settings(reader).corporate == "EUR"
    finally:
        reader.close()


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_deal_in_a_currency_without_a_rate_is_refused_and_nothing_changes(salesforce_extract, tmp_path):
    db_path = tmp_path / "warehouse.duckdb"
    import_extracts([salesforce_extract("first").folder], db_path=db_path, user="tester")
    before = digest(db_path)
    extract = salesforce_extract("second")
    # O2 (row 3) is in EUR, created 2024-02-15; the rates file has GBP only, and EUR from 2024-03-01: too late.
    with_currencies(extract, {"O2": "EUR"})
    extract.write("currency_rates.csv", [["currency", "start_date", "rate"], ["GBP", "2024-01-01", "0.8"],
                                         ["EUR", "2024-03-01", "0.9"]])
    with pytest.raises(ImportRejected) as refused:
        import_extracts([extract.folder], db_path=db_path, user="tester")
    messages = [p.message() for p in refused.value.problems]
    assert messages == [
        "Opportunity.csv, row 3, column 'CurrencyIsoCode' (currency): no rate converts EUR into the corporate "
        "currency USD on this row's date, and an amount is never summed unconverted: add a rate for EUR from "
        "2024-02-15 or earlier to the rates file (currency_rates.csv: currency, start_date, rate) or "
        "DatedConversionRate.csv (value 'EUR')."]
    assert digest(db_path) == before


def test_a_campaign_cost_and_a_bad_code_are_refused_too(salesforce_extract, tmp_path):
    extract = salesforce_extract()
    with_currencies(extract, {"O1": "Euro"})
    rows = extract.rows("Campaign.csv")
    extract.write("Campaign.csv", [rows[0] + ["CurrencyIsoCode"], rows[1] + ["GBP"], rows[2] + [""]])
    with pytest.raises(ImportRejected) as refused:
        import_extracts([extract.folder], db_path=tmp_path / "warehouse.duckdb", user="tester")
    messages = sorted(p.message() for p in refused.value.problems)
    assert messages[0].startswith("Campaign.csv, row 2, column 'CurrencyIsoCode' (currency): no rate converts GBP")
    assert "add a rate for GBP from 2024-01-01 or earlier" in messages[0]
    assert messages[1].startswith("Opportunity.csv, row 2, column 'CurrencyIsoCode' (currency): is not a currency: "
                                  "write its three-letter ISO 4217 code")
    assert not (tmp_path / "warehouse.duckdb").exists()


def test_explore_shows_each_deal_and_campaign_in_corporate_money_beside_its_own_amount():
    from alignment import explore
    from alignment.periods import Quarter

    q3 = Quarter.parse("2026-Q3")
    con = (eur_company().rate("GBP", "2026-01-01", 0.8)
           .campaign("C1", "webinar", start="2026-07-01", end="2026-09-29", actual_cost=800, currency="GBP")
           .connect())
    opened = explore.records(con, explore.Request(metric="pipeline", by="quarter", quarter=q3, pick="2026-Q3"))
    shown = opened.frame.set_index("Opportunity")[["Amount", "Amount as written", "Currency"]]
    assert shown.loc["D1"].tolist() == [pytest.approx(1125), 900, "EUR"]  # opened: at the creation rate
    assert shown.loc["D2"].tolist() == [500, 500, "USD"]
    won = explore.records(con, explore.Request(metric="bookings", by="quarter", quarter=q3, pick="2026-Q3"))
    assert won.frame.set_index("Opportunity").loc["D1", "Amount"] == pytest.approx(1000)  # won: at the close rate
    costs = explore.records(con, explore.Request(metric="marketing_spend", by="quarter", quarter=q3, pick="2026-Q3"))
    row = costs.frame.set_index("Campaign ID").loc["C1"]
    assert [row["Cost in the period"], row["Currency"], row["Recorded cost as written"]] == [
        pytest.approx(1000), "GBP", 800]


def test_the_pages_show_a_euro_warehouse_in_euros(salesforce_extract, tmp_path, monkeypatch):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from tests.conftest import sign_in

    # Corporate EUR. Pipeline of 2024-Q1 (the data's latest full quarter, shown first): O1's 50,000 (no currency:
    # EUR) + O2's 12,500.75 USD at 1.25 USD per EUR (10,000.60) + O3's empty amount = 60,000.60, shown €60,001.
    extract = salesforce_extract()
    with_currencies(extract, {"O2": "USD"})
    extract.write("CurrencyType.csv", [["IsoCode", "ConversionRate", "IsCorporate"], ["EUR", "1", "true"],
                                       ["USD", "1.25", "false"]])
    db_path = tmp_path / "warehouse.duckdb"
    import_extracts([extract.folder], db_path=db_path, user="tester")
    monkeypatch.setenv(warehouse.DB_ENV, str(db_path))
    at = sign_in(AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=90)).run()
    assert not at.exception, at.exception
    assert at.selectbox(key="filter_quarter").value == "2024-Q1"
    shown = "\n".join(str(e.value) for e in at.markdown)
    assert "**€60,001**" in shown and not re.search(r"\$\s?\d", shown)  # the Pipeline tile; no dollar anywhere
    pipeline = at.switch_page("pages/review_pipeline.py").run()
    assert not pipeline.exception, pipeline.exception
    tiles = {m.label: m.value for m in pipeline.metric}
    assert tiles and all("$" not in str(value) for value in tiles.values()), tiles
    assert any("€" in str(value) for value in tiles.values()), tiles
    prefixes = {axis.get("tickprefix") for chart in pipeline.get("plotly_chart")
                for name, axis in json.loads(chart.proto.spec)["layout"].items() if name.startswith(("xaxis", "yaxis"))}
    assert "€" in prefixes and "$" not in prefixes  # money axes in euros


def test_a_warehouse_written_before_currencies_is_upgraded_to_dollars_as_before(salesforce_extract, tmp_path):
    import duckdb

    from alignment import catalog

    db_path = tmp_path / "warehouse.duckdb"
    import_extracts([salesforce_extract().folder], db_path=db_path, user="tester")
    reader = warehouse.open_reader(db_path)
    before = catalog.value(reader, "pipeline", {"quarter": "2024-Q1"})
    reader.close()
    con = duckdb.connect(str(db_path))
    try:  # what format 6 wrote: no currency column, no rates, no corporate currency
        for table in ("opportunities", "campaigns", "campaign_spend"):
            con.execute(f"ALTER TABLE {table} DROP COLUMN currency")
        con.execute("DROP TABLE currency_rates")
        con.execute("DROP TABLE _currency")
        con.execute("DROP TABLE opportunity_facts")
        con.execute("UPDATE _format SET version = 6")
    finally:
        con.close()
    assert warehouse.upgrade(db_path)
    reader = warehouse.open_reader(db_path)
    try:
        assert currency.settings(reader) == currency.CurrencySettings()
        assert catalog.value(reader, "pipeline", {"quarter": "2024-Q1"}) == before == pytest.approx(62_500.75)
    finally:
        reader.close()


def test_the_corporate_currency_is_one_and_worth_one(salesforce_extract, tmp_path):
    extract = salesforce_extract()
    extract.write("CurrencyType.csv", [["IsoCode", "ConversionRate", "IsCorporate"], ["EUR", "1.1", "true"],
                                       ["GBP", "1", "true"]])
    with pytest.raises(ImportRejected) as refused:
        import_extracts([extract.folder], db_path=tmp_path / "warehouse.duckdb", user="tester")
    assert [p.message() for p in refused.value.problems] == [
        "CurrencyType.csv, row 3, column 'IsCorporate': EUR and GBP are all marked as the corporate "
        "currency, and a warehouse has one: mark it on one currency's rows only."]
    extract.write("CurrencyType.csv", [["IsoCode", "ConversionRate", "IsCorporate"], ["EUR", "1.1", "true"]])
    with pytest.raises(ImportRejected) as refused:
        import_extracts([extract.folder], db_path=tmp_path / "warehouse.duckdb", user="tester",
                        currency_settings=currency.CurrencySettings(corporate="USD"))
    assert sorted(p.message() for p in refused.value.problems) == [
        "CurrencyType.csv, row 2, column 'ConversionRate' (rate): the corporate currency EUR is worth 1 of itself: "
        "write 1 as its rate (value '1.1').",
        "CurrencyType.csv, row 2, column 'IsCorporate': the rates mark EUR as the corporate currency, "
        "but USD was asked for: import without a corporate currency, or with EUR (value 'EUR')."]


def test_the_command_line_sets_the_corporate_currency_and_the_conversion_date(tmp_path):
    from tests.test_cli import cli

    folder = tmp_path / "gbp"
    folder.mkdir()
    # One EUR deal of 1,000 created 2026-07-01 and won 2026-08-20; 0.8 EUR per GBP then 1.0 from 2026-08-01.
    (folder / "Opportunity.csv").write_text(
        "Id,CreatedDate,CloseDate,Amount,IsClosed,IsWon,CurrencyIsoCode\n"
        "006A,2026-07-01T10:00:00.000+0000,2026-08-20,1000,true,true,EUR\n")
    (folder / "currency_rates.csv").write_text("currency,start_date,rate\nEUR,2026-01-01,0.8\nEUR,2026-08-01,1.0\n")
    db = tmp_path / "warehouse.duckdb"
    result = cli("import", str(folder), "--quiet", "--corporate-currency", "gbp", "--conversion-date", "creation",
                 db=db)
    assert result.returncode == 0, result.stderr
    reader = warehouse.open_reader(db)
    try:
        assert currency.settings(reader) == currency.CurrencySettings(corporate="GBP", conversion_date="creation")
        # Every deal at its creation rate: 1,000 EUR at 0.8 is 1,250 GBP, in bookings too.
        assert reader.execute("SELECT closed_amount FROM opportunity_facts").fetchall() == [(1250.0,)]
    finally:
        reader.close()
    refused = cli("import", str(folder), "--quiet", "--corporate-currency", "euros", db=tmp_path / "other.duckdb")
    assert refused.returncode != 0 and "three-letter ISO 4217 code" in refused.stderr


def test_the_demo_company_can_sell_in_three_currencies(reader, tmp_path):
    from alignment import catalog, demo

    db_path = tmp_path / "multi.duckdb"
    # Beside the reference company (`reader`), so its data too ends with 2026-Q3 (no running quarter).
    demo.build_demo(db_path, end_quarter="2026-Q3", currencies=("USD", "EUR", "GBP"), running=False)
    multi = warehouse.open_reader(db_path)
    try:
        assert currency.settings(multi).corporate == "USD"
        booked = dict(multi.execute("SELECT currency, count(*) FROM opportunities GROUP BY ALL").fetchall())
        assert set(booked) == {"USD", "EUR", "GBP"}  # as a multi-currency org exports: every record names one
        q3 = {"quarter": "2026-Q3"}
        # Deals were turned into euros and pounds at their creation day's rate: pipeline converts back at that rate
        # (to the cent per deal); bookings convert at the close date's, which the rates moved a little since.
        assert catalog.value(multi, "pipeline", q3) == pytest.approx(catalog.value(reader, "pipeline", q3), rel=1e-6)
        dollars, mixed = catalog.value(reader, "bookings", q3), catalog.value(multi, "bookings", q3)
        assert mixed != pytest.approx(dollars, rel=1e-6) and mixed == pytest.approx(dollars, rel=0.05)
    finally:
        multi.close()


def test_the_data_page_imports_with_a_corporate_currency_and_refuses_a_wrong_one(salesforce_extract, tmp_path,
                                                                                   monkeypatch):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from alignment.ingest import roots
    from tests.conftest import sign_in

    db_path = tmp_path / "warehouse.duckdb"
    import_extracts([salesforce_extract("first").folder], db_path=db_path, user="tester")
    extract = salesforce_extract("pounds")
    # O2 in EUR (created 2024-02-15): 1.2 EUR per GBP from 2024-01-01.
    with_currencies(extract, {"O2": "EUR"})
    extract.write("currency_rates.csv", [["currency", "start_date", "rate"], ["EUR", "2024-01-01", "1.2"]])
    monkeypatch.setenv(warehouse.DB_ENV, str(db_path))
    monkeypatch.setenv(roots.ROOTS_ENV, str(tmp_path))
    at = sign_in(AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=90)).run()
    at.switch_page("pages/analyse_data.py").run()
    at.radio(key="data_origin").set_value("A folder on the server").run()
    at.text_input(key="data_folder").input(str(extract.folder)).run()
    at.text_input(key="data_corporate_currency").input("pounds").run()
    at.button(key="data_import").click().run()
    assert not at.exception, at.exception
    report = next(d.value for d in at.dataframe if "Problem" in d.value.columns)
    assert report[["File", "Column"]].values.tolist() == [["(settings)", "Corporate currency"]]
    assert "'POUNDS' is not a currency: write its three-letter ISO 4217 code" in report["Problem"].iloc[0]
    at.text_input(key="data_corporate_currency").input("gbp").run()
    at.button(key="data_import").click().run()
    assert not at.exception, at.exception
    reader = warehouse.open_reader(db_path)
    try:
        assert currency.settings(reader).corporate == "GBP"
        assert reader.execute("SELECT amount FROM opportunity_facts WHERE opportunity_id = 'O2'").fetchall() == [
            (pytest.approx(12_500.75 / 1.2),)]
    finally:
        reader.close()
