"""Close-date, amount and stage history read from Salesforce and HubSpot export layouts into opportunity_changes."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from alignment.ingest.load import import_extracts
from alignment.ingest.problems import ImportRejected
from tests.conftest import crm_export, write_csv

T = dt.datetime


def changes(db_path) -> list[tuple]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute("SELECT * FROM opportunity_changes ORDER BY ALL").fetchall()
    finally:
        con.close()


def test_salesforce_history_sync_rows_carry_close_dates(tmp_path):
    # The Fivetran history-mode opportunity table: one row per version, its moment in _fivetran_start.
    report = import_extracts([crm_export("fivetran-salesforce-seeds")], db_path=tmp_path / "seeds.duckdb")
    rows = changes(tmp_path / "seeds.duckdb")
    assert report.tables["opportunity_changes"] == 10
    assert ("006q000000Hddoh", T(2019, 10, 17, 21, 10, 19), dt.date(2018, 12, 19), 24_120_000.0,
            "GavUFuuf4DrnQAoiRGlWpQ==") in rows
    assert all(row[2] is not None for row in rows)


def test_salesforce_field_history_keeps_old_and_new_close_dates(salesforce_extract):
    extract = salesforce_extract()
    extract.write("OpportunityFieldHistory.csv", [
        ["Id", "OpportunityId", "Field", "OldValue", "NewValue", "CreatedDate"],
        ["F1", "O2", "CloseDate", "2024-03-31", "2024-05-15", "2024-03-20T09:00:00.000+0000"],
        ["F2", "O2", "CloseDate", "2024-05-15", "2024-06-30", "2024-05-01T09:00:00.000+0000"],
        ["F3", "O2", "Amount", "10000", "12500.75", "2024-04-02T09:00:00.000+0000"],
        ["F4", "O2", "Description", "a", "b", "2024-04-03T09:00:00.000+0000"],
    ])
    db_path = extract.folder.parent / "w.duckdb"
    import_extracts([extract.folder], db_path=db_path)
    rows = [row for row in changes(db_path) if row[0] == "O2" and row[4] is None]  # not OpportunityHistory's
    # The first change's old value holds from the deal's creation; each new value from its change.
    assert rows == [
        ("O2", T(2024, 2, 15, 11), dt.date(2024, 3, 31), None, None),
        ("O2", T(2024, 2, 15, 11), None, 10_000.0, None),
        ("O2", T(2024, 3, 20, 9), dt.date(2024, 5, 15), None, None),
        ("O2", T(2024, 4, 2, 9), None, 12_500.75, None),
        ("O2", T(2024, 5, 1, 9), dt.date(2024, 6, 30), None, None),
    ]


def test_salesforce_close_date_history_after_its_window_names_file_row_and_column(salesforce_extract):
    extract = salesforce_extract()
    rows = extract.rows("OpportunityHistory.csv")
    extract.write("OpportunityHistory.csv", [rows[0] + ["CloseDate"]] + [row + ["2024-06-30"] for row in rows[1:]])
    extract.set_cell("OpportunityHistory.csv", 3, "CloseDate", "2999-06-30")
    with pytest.raises(ImportRejected) as refused:
        import_extracts([extract.folder], db_path=extract.folder.parent / "w.duckdb")
    assert "OpportunityHistory.csv, row 3, column 'CloseDate': is not a plausible date" in str(refused.value)


def test_hubspot_deal_property_history_of_close_date_amount_and_stage(tmp_path):
    folder = tmp_path / "hubspot"
    folder.mkdir()
    write_csv(folder / "deal_data.csv", [
        ["deal_id", "is_deleted", "property_dealstage", "property_hubspot_owner_id", "property_dealname",
         "property_amount", "property_closedate", "property_createdate"],
        ["11", "false", "appointmentscheduled", "", "Deal A", "1000", "1719705600000", "1706745600000"],
    ])
    write_csv(folder / "deal_property_history_data.csv", [
        ["deal_id", "timestamp", "source", "name", "value"],
        ["11", "2024-02-01 00:00:00", "CRM_UI", "closedate", "2024-03-31T00:00:00Z"],
        ["11", "2024-03-25 00:00:00", "CRM_UI", "closedate", "1719705600000"],
        ["11", "2024-02-01 00:00:00", "CRM_UI", "amount", "800"],
        ["11", "2024-02-01 00:00:00", "CRM_UI", "dealstage", "appointmentscheduled"],
        ["11", "2024-02-01 00:00:00", "CRM_UI", "dealname", "Deal A"],
        ["11", "2024-02-02 00:00:00", "CRM_UI", "closedate", "next spring"],
    ])
    report = import_extracts([folder], db_path=tmp_path / "w.duckdb", format="hubspot", user="test")
    # A value that reads as no date is left out, and the import says where it was.
    (warning,) = [w for w in report.warnings if w.file == "deal_property_history_data.csv"]
    assert warning.column == "value" and warning.examples[0].row == 7 and "is not a date" in warning.rule
    assert changes(tmp_path / "w.duckdb") == [
        ("11", T(2024, 2, 1), dt.date(2024, 3, 31), None, None),
        ("11", T(2024, 2, 1), None, 800.0, None),
        ("11", T(2024, 2, 1), None, None, "Appointment Scheduled"),
        ("11", T(2024, 3, 25), dt.date(2024, 6, 30), None, None),
    ]
