"""A deal's forecast category is read from a Salesforce or a HubSpot export into opportunities.forecast_category."""

import duckdb

from alignment.ingest.load import import_extracts
from tests.test_hubspot import UI_EXPORT, write_files

DEALS = "hubspot-crm-exports-all-deals-2024-05-01.csv"


def categories(db_path):
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return dict(con.execute("SELECT opportunity_id, forecast_category FROM opportunities").fetchall())
    finally:
        con.close()


def test_salesforce_forecast_category_name_is_read(salesforce_extract, tmp_path):
    extract = salesforce_extract("forecast")
    rows = extract.rows("Opportunity.csv")
    header = rows[0] + ["ForecastCategoryName"]
    values = {"O1": "Closed", "O2": "Commit", "O3": "Omitted"}
    extract.write("Opportunity.csv", [header] + [row + [values[row[0]]] for row in rows[1:]])
    import_extracts([extract.folder], db_path=tmp_path / "w.duckdb")
    assert categories(tmp_path / "w.duckdb") == values


def test_hubspot_manual_forecast_category_is_read(tmp_path):
    files = dict(UI_EXPORT)
    deals = files[DEALS]
    files[DEALS] = [deals[0] + ["hs_manual_forecast_category"]] + [
        row + [category] for row, category in zip(deals[1:], ["CLOSED", "COMMIT", "OMIT"])]
    import_extracts([write_files(tmp_path / "ui", files)], db_path=tmp_path / "w.duckdb", format="hubspot",
                    user="test")
    assert categories(tmp_path / "w.duckdb") == {"301": "CLOSED", "302": "COMMIT", "303": "OMIT"}


def test_an_export_without_categories_leaves_them_empty(salesforce_extract, tmp_path):
    import_extracts([salesforce_extract("plain").folder], db_path=tmp_path / "w.duckdb")
    assert set(categories(tmp_path / "w.duckdb").values()) == {None}
