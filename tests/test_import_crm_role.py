"""The import stores a campaign's funnel role only as the CRM or the mapping file gave it, never one derived from
the default awareness channels: the charter's channel roles decide the rest whenever a number is asked for."""

from __future__ import annotations

from contextlib import closing

from alignment import warehouse
from alignment.ingest.load import import_extracts
from tests.conftest import write_csv


def stored_roles(db) -> dict[str, str | None]:
    with closing(warehouse.open_reader(db)) as reader:
        return dict(reader.cursor().execute("SELECT campaign_id, funnel_role FROM campaigns").fetchall())


def test_salesforce_keeps_the_role_a_campaign_gives_and_derives_none(salesforce_extract, tmp_path):
    extract = salesforce_extract()
    rows = extract.rows("Campaign.csv")
    # CMP1 (a webinar) is given the awareness role by the CRM; CMP2 (billboards) is given none.
    rows = [rows[0] + ["Funnel_Role__c"], rows[1] + ["awareness"], rows[2] + [""]]
    extract.write("Campaign.csv", rows)
    db = tmp_path / "data" / "warehouse.duckdb"
    import_extracts([extract.folder], db_path=db, user="test")
    assert stored_roles(db) == {"CMP1": "awareness", "CMP2": None}


def test_a_mapping_file_keeps_the_role_it_maps_and_derives_none(tmp_path):
    folder = tmp_path / "extract"
    folder.mkdir()
    write_csv(folder / "campaigns.csv", [["Id", "Name", "Channel", "Role"],
                                         ["K1", "Spring Webinar", "Webinar", "awareness"],
                                         ["K2", "City Billboards", "Billboard", ""]])
    mapping = folder / "mapping.yaml"
    mapping.write_text("version: 1\ntables:\n  campaigns:\n    file: campaigns.csv\n"
                       "    columns: {campaign_id: Id, name: Name, channel: Channel, funnel_role: Role}\n")
    db = tmp_path / "data" / "warehouse.duckdb"
    import_extracts([folder / "campaigns.csv"], db_path=db, format="mapping", mapping=mapping, user="test")
    assert stored_roles(db) == {"K1": "awareness", "K2": None}
