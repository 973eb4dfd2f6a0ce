"""The import's faster steps (issue 8) give exactly what the steps they replaced gave, on fuzzed and demo inputs.

Each test states the replaced step as it was written before (the specification) and compares whole results.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

import duckdb
import pytest
from pydantic import BaseModel, create_model

from alignment import demo, schema
from alignment.ingest import salesforce
from alignment.ingest.adapters import AdapterRun, canonical_aliases, resolve_columns, run_transform, transforms
from alignment.ingest.load import collect_files, import_extracts
from alignment.ingest.problems import ImportRejected
from alignment.ingest.readers import read_source
from alignment.ingest.staging import FALSE_WORDS, RULES_PER_WORD, TRUE_WORDS, Part, install_macros, stage
from tests.conftest import SALESFORCE_EXTRACT

# Every space separator trim strips, the ASCII and Unicode spaces it keeps, and characters of 1–4 bytes.
SPACES = [" ", "\u00a0", "\u1680", "\u2000", "\u2005", "\u200a", "\u202f", "\u205f", "\u3000"]
KEPT = ["\t", "\n", "\r", "\x0b", "\x0c", "\u0085", "\u200b", "\u2028", "\ufeff"]
LETTERS = ["a", "Z", "0", "-", "'", "é", "ß", "€", "中", "😀", "x y"]


def connection() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    install_macros(con)
    return con


def differing(con: duckdb.DuckDBPyConnection, left: str, right: str) -> tuple[int, int]:
    """Rows of `left` missing from `right` and the other way round (as multisets)."""
    left, right = "SELECT * FROM (" + left + ")", "SELECT * FROM (" + right + ")"
    return con.execute("SELECT (SELECT count(*) FROM (" + left + " EXCEPT ALL " + right + ")), "
                       "(SELECT count(*) FROM (" + right + " EXCEPT ALL " + left + "))").fetchall()[0]


def test_trimmed_text_is_nullif_trim_on_every_kind_of_edge():
    rnd = random.Random(8)
    pieces = SPACES + KEPT + LETTERS
    values = ["", " ", "  ", "\u00a0", "a", " a", "a ", "\u3000a\u3000", "é", " é", "é\u00a0", "\ta\t"]
    values += ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 6))) for _ in range(20_000)]
    con = connection()
    con.execute("CREATE TABLE texts AS SELECT unnest($values::VARCHAR[]) AS s UNION ALL SELECT NULL",
                {"values": values})
    assert con.execute("SELECT count(*) FROM texts WHERE trimmed_text(s) IS DISTINCT FROM NULLIF(trim(s), '')"
                       ).fetchall() == [(0,)]
    # the fast branch is the usual one, and the slow one is taken too
    assert con.execute("SELECT count(*) FILTER (WHERE s = trimmed_text(s)), count(*) FILTER (WHERE s <> trim(s)) "
                       "FROM texts").fetchall()[0] > (1_000, 1_000)


def test_utc_timestamp_is_the_calendar_cast_for_every_instant_and_text():
    con = connection()
    # instants spread over the whole range, the years 1800–10100 densely, both ends of the fast range, infinities
    con.execute("""CREATE TABLE instants AS
        SELECT make_timestamptz(((random() * 2 - 1) * 9.2e18 / 31.0)::BIGINT) AS tz FROM range(200000)
        UNION ALL SELECT make_timestamptz((random() * 2.6e17 - 5.3e15)::BIGINT) FROM range(400000)""")
    con.execute("""INSERT INTO instants SELECT unnest([NULL, 'infinity', '-infinity', '1970-01-01',
        '1900-01-01 00:00:00+00', '1899-12-31 23:59:59.999999+00', '9999-12-31 23:59:59.999999+00',
        '2024-02-29 23:30:00-05:30', '1582-10-10', '0001-01-01', '0044-03-15 (BC)']::TIMESTAMPTZ[])""")
    assert con.execute("SELECT count(*) FROM instants WHERE utc_timestamp(tz) IS DISTINCT FROM "
                       "TRY_CAST(tz AS TIMESTAMP)").fetchall() == [(0,)]
    rnd = random.Random(9)
    texts = ["", "x", "2024-13-01", "2024-02-30", "20244-01-05", "infinity", "-infinity", "epoch", "1704873600000",
             "01/10/2024", "2024-01-10T10:00:00.000+0200"]
    for _ in range(50_000):
        year = rnd.choice([rnd.randint(1890, 2100), rnd.randint(1, 12000), rnd.randint(1899, 1901),
                           rnd.randint(9998, 10001)])
        text = f"{year:04d}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 31):02d}"
        if rnd.random() < 0.8:
            text += rnd.choice("T ") + f"{rnd.randint(0, 24):02d}:{rnd.randint(0, 59):02d}:{rnd.randint(0, 60):02d}"
            if rnd.random() < 0.5:
                text += "." + str(rnd.randint(0, 999999)).zfill(rnd.choice([3, 6]))
            text += rnd.choice(["", "Z", "+0000", "+02:00", "-0530", "+14", " UTC", " Europe/Berlin", "+25:00"])
        texts.append(text)
    con.execute("CREATE TABLE texts AS SELECT unnest($texts::VARCHAR[]) AS s", {"texts": texts})
    assert con.execute("SELECT count(*) FROM texts WHERE utc_timestamp(TRY_CAST(s AS TIMESTAMPTZ)) "
                       "IS DISTINCT FROM parse_iso_timestamp(s)").fetchall() == [(0,)]


class EveryType(BaseModel):
    """One column of each type staging parses, with and without a default."""

    seen_at: dt.datetime | None = None
    seen_date: dt.date | None = None
    amount: float | None = None
    cost: float = 0.0
    count: int | None = None
    is_flag: bool | None = None
    is_set: bool = False
    name: str | None = None


def one_step(spec: schema.ColumnSpec, t: str) -> str:
    """The typed expression of a column as staging wrote it before issue 8: parse and default in one expression."""
    if spec.sql_type in ("TIMESTAMP", "DATE"):
        expression = f"parse_iso_timestamp({t})"
        if spec.sql_type == "DATE":
            expression = f"CAST({expression} AS DATE)"
    elif spec.sql_type in ("DOUBLE", "BIGINT"):
        expression = f"parse_number({t}, false)"
        if spec.sql_type == "BIGINT":
            expression = f"CASE WHEN {expression} = floor({expression}) THEN CAST({expression} AS BIGINT) END"
    elif spec.sql_type == "BOOLEAN":
        expression = (f"CASE WHEN lower({t}) IN {TRUE_WORDS} THEN true "
                      f"WHEN lower({t}) IN {FALSE_WORDS} THEN false END")
    else:
        expression = t
    if spec.default is not None:
        default = {"BOOLEAN": str(spec.default).lower(), "DOUBLE": repr(float(spec.default))}.get(
            spec.sql_type, repr(spec.default))
        expression = f"CASE WHEN {t} IS NULL THEN {default} ELSE {expression} END"
    return expression


def fuzzed_cell(rnd: random.Random, column: str) -> str:
    space = rnd.choice(["", "", " ", "\u00a0", "\t"])
    if column in ("seen_at", "seen_date"):
        value = rnd.choice([f"{rnd.randint(1899, 2030)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
                            f"T{rnd.randint(0, 23):02d}:{rnd.randint(0, 59):02d}:00.000"
                            + rnd.choice(["+0000", "Z", "+0200", ""]), "2024-02-29", "soon", "", "10000-01-01"])
    elif column in ("amount", "cost", "count"):
        value = rnd.choice([str(rnd.randint(-5, 10**7)), f"{rnd.random() * 1e6:.2f}", "$1,117.10K", "€ 2.5M",
                            "1e400", "NaN", "-", "lots", "", "12 EUR", "1,5"])
    elif column.startswith("is_"):
        value = rnd.choice(TRUE_WORDS + FALSE_WORDS + ("TRUE", "Yes", "maybe", "", "2"))
    else:
        value = rnd.choice(["Ana", "", "  ", "é", "a,b"])
    return space + value + rnd.choice(["", " "])


def test_staging_in_two_steps_gives_the_one_step_values(tmp_path):
    rnd = random.Random(10)
    names = schema.column_names(EveryType)
    path = tmp_path / "every_type.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(names)
        writer.writerows([fuzzed_cell(rnd, c) for c in names] for _ in range(5_000))
    con = connection()
    source = read_source(con, path, "raw_0")
    part = Part(target="every", contract=EveryType, source=source,
                columns=resolve_columns(source, canonical_aliases(EveryType)))
    result = stage(con, part)
    assert any(p.severity == "error" for p in result.problems)  # the fuzz breaks rules: nothing is staged then
    # So stage the same rows parsed both ways side by side and compare every value.
    specs = schema.columns(EveryType)
    text = ", ".join(f"NULLIF(trim({source.column_sql(part.columns[s.name])}), '') AS t_{s.name}" for s in specs)
    con.execute("CREATE TABLE texts AS SELECT row_number() OVER () AS r, " + text + " FROM " + source.relation,
                source.params)
    from alignment.ingest.staging import _typed_expression

    params: dict = {}
    two = {s.name: _typed_expression(s, "t_" + s.name, None, params) for s in specs}
    old = ", ".join(one_step(s, "t_" + s.name) + " AS " + s.name for s in specs)
    new = ", ".join(two[s.name][1] + " AS " + s.name for s in specs)
    values = ", ".join("t_" + s.name + ", " + two[s.name][0] + " AS v_" + s.name for s in specs)
    before = "SELECT r, " + old + " FROM texts"
    after = "SELECT r, " + new + " FROM (SELECT r, " + values + " FROM texts)"
    assert differing(con, before, after) == (0, 0)
    # and the fuzz reached every kind of value: parsed, defaulted and unreadable, in every column
    for spec in specs:
        parsed, unread = con.execute(
            "SELECT count(" + spec.name + "), count(*) FILTER (WHERE t_" + spec.name + " IS NOT NULL AND "
            + spec.name + " IS NULL) FROM (SELECT t.*, b." + spec.name + " FROM texts t JOIN (" + before
            + ") b USING (r))").fetchall()[0]
        assert parsed > 100 and (unread > 10 or spec.sql_type == "VARCHAR"), spec.name


def test_rules_beyond_the_first_word_of_bits_are_counted_and_shown(tmp_path):
    # 40 date columns make 80 rules (type and plausible year each): two words of bits.
    fields = {f"d{index}": (dt.datetime | None, None) for index in range(40)}
    Wide = create_model("Wide", **fields)
    assert 2 * len(fields) > RULES_PER_WORD
    path = tmp_path / "wide.csv"
    rows = [[f"2024-01-{1 + (row + index) % 28:02d}" for index in range(40)] for row in range(30)]
    rows[4][39] = "never"          # row 6 of the file: not a date, in the last column
    rows[9][35] = "1700-01-01"     # row 11: a date, but not a plausible one
    rows[20][35] = "1701-01-01"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([list(fields), *rows])
    con = connection()
    source = read_source(con, path, "raw_0")
    result = stage(con, Part(target="wide", contract=Wide, source=source,
                             columns=resolve_columns(source, canonical_aliases(Wide))))
    found = [(p.column, p.count, [(e.row, e.value) for e in p.examples], p.rule[:20]) for p in result.problems]
    assert found == [("d35", 2, [(11, "1700-01-01"), (22, "1701-01-01")], "is not a plausible d"),
                     ("d39", 1, [(6, "never")], "is not a date/time i")]  # … in any layout tried


# --- the Salesforce people and memberships ----------------------------------------------------------------------

# The canonical memberships as the import built them before issue 8: every row through two joins with every id,
# then grouped by campaign and person.
MEMBERS_BEFORE = """SELECT * FROM stage_campaign_members
   UNION ALL BY NAME
   SELECT arg_min(m._file, m._row) AS _file, min(m._row) AS _row, m.campaign_id,
          coalesce(pc.person_id, pl.person_id, m.contact_id, m.lead_id) AS person_id,
          arg_max(m.status, m.has_responded) AS status, min(m.created_at) AS created_at,
          bool_or(m.has_responded) AS has_responded,
          min(m.first_responded_at) AS first_responded_at
   FROM stage_sf_members m
   LEFT JOIN person_ids pc ON pc.source_id = m.contact_id
   LEFT JOIN person_ids pl ON pl.source_id = m.lead_id
   WHERE coalesce(m.contact_id, m.lead_id) IS NOT NULL
   GROUP BY m.campaign_id, coalesce(pc.person_id, pl.person_id, m.contact_id, m.lead_id)"""
# Grouped only by (campaign, person): arg_max of the status is any of a group's ties, so it is compared where the
# group has one row, as the fast path sees it.
COMPARED = "SELECT _file, _row, campaign_id, person_id, created_at, has_responded, first_responded_at, " \
           "CASE WHEN n = 1 THEN status END AS status FROM ({})"
# Each membership row with its person (and its place among the rows of that person in that campaign), as above.
MEMBER_ROWS = """SELECT m._row, row_number() OVER (PARTITION BY m.campaign_id,
                  coalesce(pc.person_id, pl.person_id, m.contact_id, m.lead_id) ORDER BY m._row) AS place
   FROM stage_sf_members m
   LEFT JOIN person_ids pc ON pc.source_id = m.contact_id
   LEFT JOIN person_ids pl ON pl.source_id = m.lead_id
   WHERE coalesce(m.contact_id, m.lead_id) IS NOT NULL"""


def salesforce_stage(con: duckdb.DuckDBPyConnection, rnd: random.Random, *, leads: int, contacts: int,
                     members: int, repeat_ids: bool, repeat_pairs: bool, canonical_members: bool) -> None:
    """Staged leads, contacts and memberships with every case of the person rules: converted leads, both ids,
    unknown ids, ids known twice, a person in a campaign twice."""
    from alignment.ingest.adapters import empty_stage

    for target, contract in (("sf_leads", salesforce.SalesforcePerson), ("sf_contacts", salesforce.SalesforcePerson),
                             ("sf_members", salesforce.SalesforceMember), ("campaign_members", schema.CampaignMember)):
        empty_stage(con, target, contract)
    contact_ids = [f"C{index}" for index in range(contacts)]
    when = dt.datetime(2024, 1, 1)
    for index in range(leads):
        converted = rnd.choice(contact_ids + [None] * len(contact_ids)) if not repeat_pairs else \
            (contact_ids[index % len(contact_ids)] if index % 3 == 0 else None)
        if not repeat_ids and not repeat_pairs and converted is not None:
            converted = contact_ids[index] if index < len(contact_ids) else None  # one lead per contact
        con.execute("INSERT INTO stage_sf_leads (_file, _row, person_id, converted_contact_id, created_at, "
                    "rejected_at, rejection_reason, title) VALUES ('Lead.csv', ?, ?, ?, ?, ?, ?, ?)",
                    [index + 2, f"L{index}", converted, when + dt.timedelta(hours=rnd.randint(0, 900)),
                     rnd.choice([None, when]), rnd.choice([None, "No budget"]), rnd.choice([None, "VP"])])
    for index, contact in enumerate(contact_ids):
        con.execute("INSERT INTO stage_sf_contacts (_file, _row, person_id, created_at) VALUES "
                    "('Contact.csv', ?, ?, ?)", [index + 2, contact, when])
    if repeat_ids:  # an id known twice: a lead row repeated
        con.execute("INSERT INTO stage_sf_leads SELECT * REPLACE (_row + 1000 AS _row) FROM stage_sf_leads "
                    "WHERE person_id = 'L1'")
    known = [f"L{i}" for i in range(leads)] + contact_ids + ["X1", "X2"]  # X: ids no file holds
    pairs = set()
    for index in range(members):
        campaign = f"K{rnd.randint(0, 4)}"
        lead, contact = rnd.choice([(rnd.choice(known), None), (None, rnd.choice(known)),
                                    (rnd.choice(known), rnd.choice(known)), (None, None)])
        if not repeat_pairs and (campaign, lead, contact) in pairs:
            continue
        pairs.add((campaign, lead, contact))
        con.execute("INSERT INTO stage_sf_members (_file, _row, campaign_id, lead_id, contact_id, status, created_at, "
                    "has_responded, first_responded_at) VALUES ('CampaignMember.csv', ?, ?, ?, ?, ?, ?, ?, ?)",
                    [index + 2, campaign, lead, contact, rnd.choice(["Sent", "Responded", None]),
                     when + dt.timedelta(days=rnd.randint(0, 90)), rnd.random() < 0.5,
                     rnd.choice([None, when + dt.timedelta(days=rnd.randint(0, 90))])])
    if canonical_members:
        con.execute("INSERT INTO stage_campaign_members (_file, _row, campaign_id, person_id, has_responded) "
                    "VALUES ('campaign_members.csv', 2, 'K9', 'C1', true)")


@pytest.mark.parametrize("case", ["ids once, pairs once", "ids once, pairs repeat", "an id twice",
                                  "with a canonical file"])
def test_people_and_memberships_equal_the_grouped_joins(case):
    rnd = random.Random(case)
    con = connection()
    salesforce_stage(con, rnd, leads=300, contacts=120, members=3_000, repeat_ids=case == "an id twice",
                     repeat_pairs=case == "ids once, pairs repeat", canonical_members=case == "with a canonical file")
    run_transform(con, transforms("salesforce")["person_ids"])
    if case in ("ids once, pairs once", "with a canonical file"):  # one row of each person in each campaign
        con.execute("DELETE FROM stage_sf_members WHERE _row IN (SELECT _row FROM (" + MEMBER_ROWS + ") "
                    "WHERE place > 1)")
    repeats = con.execute("SELECT count(*) FROM (" + MEMBER_ROWS + ") WHERE place > 1").fetchall()[0][0]
    assert (repeats > 0) == (case in ("ids once, pairs repeat", "an id twice"))  # both paths are taken
    if case != "an id twice":  # the membership rows with their people, before any merge, equal both ways
        assert differing(con, transforms("salesforce")["member_people"].sql,
                         transforms("salesforce")["member_people_ids_unique"].sql) == (0, 0)
    salesforce.lead_people(con)
    assert differing(con, "SELECT * FROM lead_people", transforms("salesforce")["lead_people"].sql) == (0, 0)
    con.execute("CREATE TABLE before AS SELECT *, count(*) OVER (PARTITION BY campaign_id, person_id) AS n FROM ("
                + MEMBERS_BEFORE + ")")
    built_unique = salesforce.campaign_members(con)
    con.execute("CREATE TABLE after AS SELECT *, count(*) OVER (PARTITION BY campaign_id, person_id) AS n "
                "FROM canon_campaign_members")
    assert differing(con, COMPARED.format("SELECT * FROM before"), COMPARED.format("SELECT * FROM after")) == (0, 0)
    assert built_unique == (case != "with a canonical file")


@pytest.fixture(scope="module")
def demo_extracts(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "extracts"
    demo.write_extracts(folder, scale="S", end_quarter="2026-Q2", currencies=("USD",))
    return folder


def test_the_demo_company_s_people_and_memberships_equal_the_grouped_joins(demo_extracts):
    con = connection()
    run = AdapterRun()
    salesforce.SalesforceAdapter().build(con, collect_files([demo_extracts]), run)
    assert not run.has_errors and run.unique_keys == {"campaign_members"}
    assert differing(con, "SELECT * FROM lead_people", transforms("salesforce")["lead_people"].sql) == (0, 0)
    before = "SELECT * FROM (" + MEMBERS_BEFORE + ")"
    assert differing(con, before, "SELECT * FROM canon_campaign_members") == (0, 0)


def test_a_membership_in_both_member_files_is_still_a_duplicate(tmp_path):
    folder = tmp_path / "extract"
    folder.mkdir()
    for name, rows in SALESFORCE_EXTRACT.items():
        with open(folder / name, "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
    # CampaignMember.csv makes contact C1 (and lead L1, converted into C1) a member of CMP1; so does this file.
    (folder / "campaign_members.csv").write_text("campaign_id,person_id\nCMP1,C1\n")
    with pytest.raises(ImportRejected) as refused:
        import_extracts([folder], db_path=tmp_path / "data" / "warehouse.duckdb", user="test")
    assert any("duplicate campaign_id + person_id" in p.rule for p in refused.value.errors)
