"""Tests of the embedded demo company: format, determinism, integrity and the four stories it must tell."""

import datetime as dt
import hashlib
import re

import duckdb
import pytest

from alignment.demo_generator import (SILENT_OPERATIVE_CAMPAIGN, SPIN_DOCTOR_CAMPAIGN, default_end_quarter,
                                      write_demo_extracts)

END_QUARTER = "2026-Q2"
AS_OF = "2026-07-01"  # the first instant after END_QUARTER, UTC
WINDOW = ["2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]

EXPECTED_HEADERS = {
    "Account.csv": "Id,Name,Industry,Segment__c,Region__c,NumberOfEmployees,AnnualRevenue,Is_Target_Account__c,"
                   "OwnerId,CreatedDate",
    "Contact.csv": "Id,AccountId,FirstName,LastName,Title,Persona__c,LeadSource,OwnerId,CreatedDate,MailingCountry,"
                   "MQL_Date__c,SAL_Date__c,SQL_Date__c,Rejected_Date__c,Rejection_Reason__c,Disqualified_Date__c,"
                   "Disqualification_Reason__c",
    "Lead.csv": "Id,FirstName,LastName,Company,Title,Persona__c,LeadSource,OwnerId,CreatedDate,Country,Status,"
                "IsConverted,ConvertedDate,ConvertedContactId,ConvertedAccountId,ConvertedOpportunityId,MQL_Date__c,"
                "SAL_Date__c,SQL_Date__c,Rejected_Date__c,Rejection_Reason__c,Disqualified_Date__c,"
                "Disqualification_Reason__c",
    "Opportunity.csv": "Id,AccountId,Name,OwnerId,CreatedDate,CloseDate,Amount,StageName,ForecastCategoryName,"
                       "IsClosed,IsWon,Type,LeadSource,CampaignId",
    "OpportunityHistory.csv": "Id,OpportunityId,StageName,Amount,CreatedDate,CloseDate",
    "OpportunityContactRole.csv": "Id,OpportunityId,ContactId,Role,IsPrimary",
    "Campaign.csv": "Id,Name,Type,Channel__c,Description,Targeting__c,Objective__c,Status,StartDate,EndDate,"
                    "BudgetedCost,ActualCost,ParentId,OwnerId,Sales_Sponsor__c,Region__c",
    "CampaignMember.csv": "Id,CampaignId,LeadId,ContactId,Status,CreatedDate,HasResponded,FirstRespondedDate",
    "Task.csv": "Id,WhoId,Type,Subject,OwnerId,ActivityDate,CompletedDateTime,CreatedDate,Status",
    "Event.csv": "Id,WhoId,Type,Subject,OwnerId,ActivityDateTime,ActivityDate,CreatedDate",
    "User.csv": "Id,Name,Title,Department,Team__c,Region__c,ManagerId,IsActive",
    "campaign_spend.csv": "campaign_id,period_start,amount",
    "awareness_metrics.csv": "period_start,channel,metric,value,region",
}
ID_PREFIXES = {"Account.csv": "001", "Contact.csv": "003", "Lead.csv": "00Q", "Opportunity.csv": "006",
               "OpportunityHistory.csv": "008", "OpportunityContactRole.csv": "00k", "Campaign.csv": "701",
               "CampaignMember.csv": "00v", "Task.csv": "00T", "Event.csv": "00U", "User.csv": "005"}
TIMESTAMP_COLUMNS = {
    "Account.csv": ["CreatedDate"], "Opportunity.csv": ["CreatedDate"], "OpportunityHistory.csv": ["CreatedDate"],
    "Contact.csv": ["CreatedDate", "MQL_Date__c", "SAL_Date__c", "SQL_Date__c", "Rejected_Date__c",
                    "Disqualified_Date__c"],
    "Lead.csv": ["CreatedDate", "MQL_Date__c", "SAL_Date__c", "SQL_Date__c", "Rejected_Date__c",
                 "Disqualified_Date__c"],
    "CampaignMember.csv": ["CreatedDate"], "Task.csv": ["CompletedDateTime", "CreatedDate"],
    "Event.csv": ["ActivityDateTime", "CreatedDate"],
}
DATE_COLUMNS = {
    "Opportunity.csv": ["CloseDate"], "OpportunityHistory.csv": ["CloseDate"], "Lead.csv": ["ConvertedDate"],
    "Campaign.csv": ["StartDate", "EndDate"],
    "CampaignMember.csv": ["FirstRespondedDate"], "Task.csv": ["ActivityDate"], "Event.csv": ["ActivityDate"],
    "campaign_spend.csv": ["period_start"], "awareness_metrics.csv": ["period_start"],
}
TABLES = {"account": "Account.csv", "contact": "Contact.csv", "lead": "Lead.csv", "opp": "Opportunity.csv",
          "history": "OpportunityHistory.csv", "role": "OpportunityContactRole.csv", "campaign": "Campaign.csv",
          "member": "CampaignMember.csv", "task": "Task.csv", "event": "Event.csv", "users": "User.csv",
          "spend": "campaign_spend.csv", "awareness": "awareness_metrics.csv"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """Scale S written once; (directory, returned counts, a DuckDB connection with one view per file)."""
    out = tmp_path_factory.mktemp("demo_s")
    counts = write_demo_extracts(out, scale="S", seed=7, end_quarter=END_QUARTER)
    con = duckdb.connect()
    for view, file_name in TABLES.items():
        # Text only, as an importer sees the file; the casts below check the formats.
        con.read_csv(str(out / file_name), all_varchar=True, header=True, sep=",", quotechar='"').create_view(view)
    con.execute("CREATE MACRO ts(x) AS strptime(x, '%Y-%m-%dT%H:%M:%S.000+0000')")
    con.execute("CREATE MACRO quarter_of(x) AS strftime(CAST(x AS TIMESTAMP), '%Y') || '-Q' || "
                "CAST(quarter(CAST(x AS TIMESTAMP)) AS VARCHAR)")
    yield out, counts, con
    con.close()


def _digests(directory):
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(directory.iterdir())}


def _one(con, sql, parameters=None):
    return con.execute(sql, parameters or []).fetchall()[0]


# ---- the public API --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("today, expected", [
    (dt.date(2026, 11, 23), "2026-Q3"),
    (dt.date(2026, 10, 1), "2026-Q3"),
    (dt.date(2026, 9, 30), "2026-Q2"),
    (dt.date(2026, 1, 5), "2025-Q4"),
    (dt.date(2026, 4, 1), "2026-Q1"),
])
def test_default_end_quarter_is_the_last_full_quarter(today, expected):
    assert default_end_quarter(today) == expected


def test_same_seed_gives_byte_identical_files_and_another_seed_does_not(tmp_path):
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    write_demo_extracts(first, scale="XS", seed=11, end_quarter=END_QUARTER)
    write_demo_extracts(second, scale="XS", seed=11, end_quarter=END_QUARTER)
    write_demo_extracts(other, scale="XS", seed=12, end_quarter=END_QUARTER)
    assert _digests(first) == _digests(second)
    differing = {name for name, digest in _digests(other).items() if _digests(first)[name] != digest}
    assert {"Lead.csv", "CampaignMember.csv", "Opportunity.csv"} <= differing


def test_progress_runs_from_zero_to_one(tmp_path):
    seen = []
    write_demo_extracts(tmp_path, scale="XS", seed=1, end_quarter=END_QUARTER,
                        progress=lambda fraction, message: seen.append((fraction, message)))
    fractions = [fraction for fraction, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert all(isinstance(message, str) and message for _, message in seen)


def test_bad_arguments_are_refused_with_a_readable_message(tmp_path):
    with pytest.raises(ValueError, match="Unknown demo scale 'XXL'"):
        write_demo_extracts(tmp_path, scale="XXL")
    with pytest.raises(ValueError, match="must look like '2026-Q3'"):
        write_demo_extracts(tmp_path, end_quarter="2026Q3")


# ---- format ----------------------------------------------------------------------------------------------------------
def test_every_file_has_exactly_the_expected_header(demo):
    out, counts, _ = demo
    assert sorted(counts) == sorted(EXPECTED_HEADERS)
    for file_name, header in EXPECTED_HEADERS.items():
        with open(out / file_name, encoding="utf-8", newline="") as handle:
            assert handle.readline() == header + "\n", file_name


def test_returned_counts_are_the_data_rows_written(demo):
    out, counts, con = demo
    for view, file_name in TABLES.items():
        assert _one(con, f"SELECT count(*) FROM {view}")[0] == counts[file_name], file_name


def test_scale_s_has_the_promised_size(demo):
    _, counts, con = demo
    assert 1_900 <= counts["Account.csv"] <= 2_100
    converted = _one(con, "SELECT count(*) FROM lead WHERE IsConverted = 'true'")[0]
    people = counts["Lead.csv"] + counts["Contact.csv"] - converted  # a converted lead and its contact are one
    assert 47_000 <= people <= 53_000
    assert 450_000 <= counts["CampaignMember.csv"] <= 550_000
    assert 9_000 <= counts["Opportunity.csv"] <= 11_000
    assert 45 <= counts["User.csv"] <= 80
    in_window = _one(con, "SELECT count(*) FROM campaign WHERE EndDate >= '2024-07-01'")[0]
    assert 150 <= in_window <= 250


def test_ids_are_salesforce_like_and_unique_per_file(demo):
    _, _, con = demo
    for view, file_name in TABLES.items():
        if file_name not in ID_PREFIXES:
            continue
        total, distinct, well_formed = _one(
            con, f"SELECT count(*), count(DISTINCT Id), count(*) FILTER (WHERE regexp_full_match(Id, ?))"
                 f" FROM {view}", [ID_PREFIXES[file_name] + r"\d{12}"])
        assert total == distinct == well_formed, file_name


def test_timestamps_dates_and_booleans_use_the_api_formats(demo):
    out, _, con = demo
    for file_name, columns in TIMESTAMP_COLUMNS.items():
        view = next(v for v, f in TABLES.items() if f == file_name)
        for column in columns:
            bad = _one(con, f"SELECT count(*) FROM {view} WHERE {column} IS NOT NULL AND NOT regexp_full_match("
                            f"{column}, '\\d{{4}}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.000\\+0000')")[0]
            assert bad == 0, (file_name, column)
    for file_name, columns in DATE_COLUMNS.items():
        view = next(v for v, f in TABLES.items() if f == file_name)
        for column in columns:
            bad = _one(con, f"SELECT count(*) FROM {view} WHERE {column} IS NOT NULL AND NOT regexp_full_match("
                            f"{column}, '\\d{{4}}-\\d\\d-\\d\\d')")[0]
            assert bad == 0, (file_name, column)
    values = con.execute("SELECT DISTINCT IsWon FROM opp UNION SELECT DISTINCT IsClosed FROM opp UNION "
                         "SELECT DISTINCT HasResponded FROM member UNION SELECT DISTINCT IsConverted FROM lead "
                         "UNION SELECT DISTINCT Is_Target_Account__c FROM account").fetchall()
    assert {v for (v,) in values} == {"true", "false"}
    # Fields holding commas are quoted, and nothing else is.
    with open(out / "Campaign.csv", encoding="utf-8") as handle:
        text = handle.read()
    assert '"Mid-Market and Enterprise' in text and '"Webinar' not in text


def test_nothing_is_dated_after_the_end_of_the_quarter(demo):
    _, _, con = demo
    for columns, parse in ((TIMESTAMP_COLUMNS, "ts({})"), (DATE_COLUMNS, "CAST({} AS TIMESTAMP)")):
        for file_name, names in columns.items():
            view = next(v for v, f in TABLES.items() if f == file_name)
            for column in names:
                latest = _one(con, f"SELECT max({parse.format(column)}) FROM {view}")[0]
                assert latest is None or latest < dt.datetime(2026, 7, 1), (file_name, column, latest)


# ---- integrity -------------------------------------------------------------------------------------------------------
AUDITS = {  # each query must return 0
    "member campaign exists": "SELECT count(*) FROM member WHERE CampaignId NOT IN (SELECT Id FROM campaign)",
    "member lead exists": "SELECT count(*) FROM member WHERE LeadId IS NOT NULL AND LeadId NOT IN (SELECT Id FROM lead)",
    "member contact exists": "SELECT count(*) FROM member WHERE ContactId IS NOT NULL "
                             "AND ContactId NOT IN (SELECT Id FROM contact)",
    "member names a person": "SELECT count(*) FROM member WHERE LeadId IS NULL AND ContactId IS NULL",
    "one membership per person and campaign": "SELECT count(*) - count(DISTINCT (CampaignId, coalesce(ContactId, LeadId))) "
                                              "FROM member",
    "responded has a date": "SELECT count(*) FROM member WHERE (HasResponded = 'true') <> (FirstRespondedDate IS NOT NULL)",
    "role opportunity exists": "SELECT count(*) FROM role WHERE OpportunityId NOT IN (SELECT Id FROM opp)",
    "role contact exists": "SELECT count(*) FROM role WHERE ContactId NOT IN (SELECT Id FROM contact)",
    "at most one primary role": "SELECT count(*) FROM (SELECT OpportunityId FROM role WHERE IsPrimary = 'true' "
                                "GROUP BY ALL HAVING count(*) > 1)",
    "converted contact exists at the same account": """
        SELECT count(*) FROM lead l LEFT JOIN contact c ON c.Id = l.ConvertedContactId
        WHERE l.IsConverted = 'true' AND (c.Id IS NULL OR c.AccountId <> l.ConvertedAccountId
              OR left(c.CreatedDate, 10) <> l.ConvertedDate OR ts(c.CreatedDate) <= ts(l.CreatedDate))""",
    "converted fields only on converted leads": """
        SELECT count(*) FROM lead WHERE IsConverted = 'false' AND (ConvertedDate IS NOT NULL
              OR ConvertedContactId IS NOT NULL OR ConvertedAccountId IS NOT NULL OR ConvertedOpportunityId IS NOT NULL)""",
    "converted opportunity at the converted account": """
        SELECT count(*) FROM lead l LEFT JOIN opp o ON o.Id = l.ConvertedOpportunityId
        WHERE l.ConvertedOpportunityId IS NOT NULL AND (o.Id IS NULL OR o.AccountId <> l.ConvertedAccountId)""",
    "contact account exists": "SELECT count(*) FROM contact WHERE AccountId NOT IN (SELECT Id FROM account)",
    "opportunity account exists": "SELECT count(*) FROM opp WHERE AccountId IS NULL "
                                  "OR AccountId NOT IN (SELECT Id FROM account)",
    "history opportunity exists": "SELECT count(*) FROM history WHERE OpportunityId NOT IN (SELECT Id FROM opp)",
    "activity person exists": """
        SELECT count(*) FROM (SELECT WhoId FROM task UNION ALL SELECT WhoId FROM event)
        WHERE WhoId IS NOT NULL AND WhoId NOT IN (SELECT Id FROM lead UNION ALL SELECT Id FROM contact)""",
    "event names a person": "SELECT count(*) FROM event WHERE WhoId IS NULL",
    "owners are users": """
        SELECT count(*) FROM (SELECT OwnerId FROM account UNION ALL SELECT OwnerId FROM lead UNION ALL
              SELECT OwnerId FROM contact UNION ALL SELECT OwnerId FROM opp UNION ALL SELECT OwnerId FROM campaign
              UNION ALL SELECT OwnerId FROM task UNION ALL SELECT OwnerId FROM event)
        WHERE OwnerId NOT IN (SELECT Id FROM users)""",
    "campaign parent and sponsor exist": """
        SELECT count(*) FROM campaign WHERE (ParentId IS NOT NULL AND ParentId NOT IN (SELECT Id FROM campaign))
              OR (Sales_Sponsor__c IS NOT NULL AND Sales_Sponsor__c NOT IN (SELECT Id FROM users))""",
    "sales sponsors are in sales": """
        SELECT count(*) FROM campaign c JOIN users u ON u.Id = c.Sales_Sponsor__c WHERE u.Department <> 'Sales'""",
    "campaign owners are marketers": """
        SELECT count(*) FROM campaign c JOIN users u ON u.Id = c.OwnerId WHERE u.Department <> 'Marketing'""",
    "record owners are in sales": """
        SELECT count(*) FROM (SELECT OwnerId FROM lead UNION ALL SELECT OwnerId FROM contact
              UNION ALL SELECT OwnerId FROM opp UNION ALL SELECT OwnerId FROM account) r
        JOIN users u ON u.Id = r.OwnerId WHERE u.Department NOT IN ('Sales', 'SDR')""",
    "spend campaign exists": "SELECT count(*) FROM spend WHERE campaign_id NOT IN (SELECT Id FROM campaign)",
    "spend adds up to actual cost": """
        SELECT count(*) FROM (SELECT campaign_id, sum(CAST(amount AS DECIMAL(14, 2))) AS total FROM spend GROUP BY ALL) s
        JOIN campaign c ON c.Id = s.campaign_id
        WHERE c.ActualCost IS NULL OR CAST(c.ActualCost AS DECIMAL(14, 2)) <> s.total""",
    "won implies closed": "SELECT count(*) FROM opp WHERE IsWon = 'true' AND IsClosed = 'false'",
    "final stage matches the outcome": """
        SELECT count(*) FROM opp WHERE (IsWon = 'true') <> (StageName = 'Closed Won')
              OR (IsClosed = 'true' AND IsWon = 'false') <> (StageName = 'Closed Lost')""",
    "close date not before creation": "SELECT count(*) FROM opp "
                                      "WHERE CAST(CloseDate AS DATE) < CAST(ts(CreatedDate) AS DATE)",
    "history ends at the current stage": """
        SELECT count(*) FROM opp o JOIN (SELECT OpportunityId, arg_max(StageName, ts(CreatedDate)) AS last_stage,
              min(ts(CreatedDate)) AS first_at FROM history GROUP BY ALL) h ON h.OpportunityId = o.Id
        WHERE h.last_stage <> o.StageName OR h.first_at <> ts(o.CreatedDate)""",
    "every opportunity has history": "SELECT count(*) FROM opp WHERE Id NOT IN (SELECT OpportunityId FROM history)",
    # A close-date move repeats the deal's stage at its moment: a stage's repeats are one entry.
    "stages entered in order": """
        SELECT count(*) FROM (SELECT OpportunityId, string_agg(StageName, '>' ORDER BY ts(CreatedDate), Id) AS path
              FROM (SELECT *, lag(StageName) OVER (PARTITION BY OpportunityId ORDER BY ts(CreatedDate), Id) AS before
                    FROM history) WHERE before IS DISTINCT FROM StageName GROUP BY ALL)
        WHERE NOT regexp_full_match(path, 'Prospecting(>Qualification(>Proposal(>Negotiation)?)?)?(>Closed Lost)?')
          AND path <> 'Prospecting>Qualification>Proposal>Negotiation>Closed Won'""",
    "lifecycle dates in order": """
        SELECT count(*) FROM (SELECT CreatedDate, MQL_Date__c, SAL_Date__c, SQL_Date__c FROM lead)
        WHERE ts(MQL_Date__c) < ts(CreatedDate) OR ts(SAL_Date__c) < ts(MQL_Date__c)
           OR ts(SQL_Date__c) < ts(SAL_Date__c)""",
    "reasons go with their dates": """
        SELECT count(*) FROM (SELECT Rejected_Date__c AS d, Rejection_Reason__c AS r FROM lead UNION ALL
              SELECT Disqualified_Date__c, Disqualification_Reason__c FROM lead UNION ALL
              SELECT Rejected_Date__c, Rejection_Reason__c FROM contact UNION ALL
              SELECT Disqualified_Date__c, Disqualification_Reason__c FROM contact) WHERE (d IS NULL) <> (r IS NULL)""",
    "touch not before the person existed": """
        SELECT count(*) FROM member m LEFT JOIN lead l ON l.Id = m.LeadId LEFT JOIN contact c ON c.Id = m.ContactId
        WHERE ts(m.CreatedDate) < least(ts(l.CreatedDate), ts(c.CreatedDate))""",
    "persona values": """
        SELECT count(*) FROM (SELECT Persona__c FROM lead UNION ALL SELECT Persona__c FROM contact)
        WHERE Persona__c NOT IN ('Decision Maker', 'Influencer', 'User', 'Other')""",
    "segment and region values": """
        SELECT count(*) FROM account WHERE Segment__c NOT IN ('SMB', 'Mid-Market', 'Enterprise')
              OR Region__c NOT IN ('NA', 'EMEA', 'APAC', 'LATAM')""",
}


@pytest.mark.parametrize("name", sorted(AUDITS))
def test_audit_returns_no_rows(demo, name):
    _, _, con = demo
    assert _one(con, AUDITS[name])[0] == 0


def test_a_few_data_quality_findings_are_planted(demo):
    _, _, con = demo
    no_roles, opps = _one(con, "SELECT count(*) FILTER (WHERE Id NOT IN (SELECT OpportunityId FROM role)), "
                               "count(*) FROM opp")
    assert 0 < no_roles < 0.06 * opps
    assert 0 < _one(con, "SELECT count(*) FROM opp WHERE Amount IS NULL")[0] < 0.03 * opps
    assert 0 < _one(con, "SELECT count(*) FROM opp WHERE LeadSource IS NULL")[0]
    assert 0 < _one(con, "SELECT count(*) FROM task WHERE WhoId IS NULL")[0]
    assert 0 < _one(con, "SELECT count(*) FROM campaign WHERE ActualCost IS NULL AND BudgetedCost IS NOT NULL")[0]
    assert 0 < _one(con, "SELECT count(*) FROM campaign WHERE Sales_Sponsor__c IS NULL")[0]
    # Skipped stages and second chances
    assert 0 < _one(con, "SELECT count(*) FROM lead WHERE SQL_Date__c IS NOT NULL AND SAL_Date__c IS NULL")[0]
    assert 0 < _one(con, "SELECT count(*) FROM lead WHERE ts(SAL_Date__c) > ts(Rejected_Date__c)")[0]
    assert 0 < _one(con, """SELECT count(*) FROM role r JOIN contact c ON c.Id = r.ContactId
                            WHERE c.MQL_Date__c IS NULL""")[0]
    # Open deals whose close date has passed
    assert 0 < _one(con, "SELECT count(*) FROM opp "
                         "WHERE IsClosed = 'false' AND CAST(CloseDate AS DATE) < DATE '2026-06-01'")[0]


# ---- realism ---------------------------------------------------------------------------------------------------------
def test_the_funnel_converts_like_a_b2b_saas_company(demo):
    _, _, con = demo
    inquiries, mqls, accepted, rejected, sqls = _one(con, """
        WITH person AS (
            SELECT coalesce(l.MQL_Date__c, c.MQL_Date__c) AS mql, coalesce(l.SAL_Date__c, c.SAL_Date__c) AS sal,
                   coalesce(l.Rejected_Date__c, c.Rejected_Date__c) AS rejected,
                   coalesce(l.SQL_Date__c, c.SQL_Date__c) AS sql, coalesce(l.CreatedDate, c.CreatedDate) AS created
            FROM lead l FULL JOIN contact c ON c.Id = l.ConvertedContactId)
        SELECT count(*), count(mql), count(*) FILTER (WHERE mql IS NOT NULL AND sal IS NOT NULL),
               count(*) FILTER (WHERE mql IS NOT NULL AND rejected IS NOT NULL AND sal IS NULL),
               count(*) FILTER (WHERE mql IS NOT NULL AND sal IS NOT NULL AND sql IS NOT NULL)
        FROM person WHERE created >= '2024-07-01' AND created < '2026-04-01'""")
    assert 0.28 <= mqls / inquiries <= 0.42
    assert 0.80 <= accepted / (accepted + rejected) <= 0.92
    assert 0.45 <= sqls / accepted <= 0.65
    won, closed = _one(con, "SELECT count(*) FILTER (WHERE IsWon = 'true'), count(*) FILTER (WHERE IsClosed = 'true') "
                            "FROM opp WHERE Type = 'New Business'")
    assert 0.18 <= won / closed <= 0.32
    low, median, high = _one(con, "SELECT quantile_cont(CAST(Amount AS DOUBLE), [0.05, 0.5, 0.95]) FROM opp")[0]
    assert 5_000 <= low and 15_000 <= median <= 60_000 and high <= 250_000
    shares = dict(con.execute("""
        SELECT CASE WHEN LeadSource IN ('Web', 'Webinar', 'Trade Show', 'Event', 'Content Syndication', 'Paid Search',
                    'Paid Social', 'Email', 'Advertisement', 'Organic Search', 'Social') THEN 'marketing'
                    WHEN LeadSource IN ('Outbound', 'Cold Call', 'Sales Prospecting', 'Customer Referral') THEN 'sales'
                    WHEN LeadSource IN ('Partner', 'Partner Referral') THEN 'partner' ELSE 'other' END,
               count(*) / sum(count(*)) OVER ()
        FROM opp GROUP BY ALL""").fetchall())
    assert shares["marketing"] > 0.3 and shares["sales"] > 0.2 and shares["partner"] > 0.05
    assert 0.03 < shares["other"] < 0.2


def test_titles_match_personas(demo):
    _, _, con = demo
    mismatched = _one(con, """
        SELECT count(*) FROM (SELECT Title, Persona__c FROM lead UNION ALL SELECT Title, Persona__c FROM contact)
        WHERE (Persona__c = 'Decision Maker' AND NOT regexp_matches(Title, '^(VP|Chief|Head)'))
           OR (Persona__c = 'Influencer' AND NOT regexp_matches(Title, 'Director|Manager'))
           OR (Persona__c = 'User' AND NOT regexp_matches(Title, 'Analyst|Specialist'))""")[0]
    assert mismatched == 0


def test_marketing_sourced_deals_have_touches_inside_the_attribution_window(demo):
    _, _, con = demo
    with_touch, total = _one(con, """
        WITH linked AS (
            SELECT o.Id AS opportunity_id, r.ContactId AS contact_id, l.Id AS lead_id FROM opp o
            JOIN role r ON r.OpportunityId = o.Id LEFT JOIN lead l ON l.ConvertedContactId = r.ContactId
            UNION ALL SELECT ConvertedOpportunityId, ConvertedContactId, Id FROM lead WHERE ConvertedOpportunityId IS NOT NULL),
        touches AS (
            SELECT k.opportunity_id, m.HasResponded, m.FirstRespondedDate FROM linked k
            JOIN member m ON m.ContactId = k.contact_id
            UNION ALL SELECT k.opportunity_id, m.HasResponded, m.FirstRespondedDate FROM linked k
            JOIN member m ON m.LeadId = k.lead_id),
        touched AS (
            SELECT DISTINCT m.opportunity_id FROM touches m JOIN opp o ON o.Id = m.opportunity_id
            WHERE m.HasResponded = 'true'
              AND CAST(m.FirstRespondedDate AS TIMESTAMP) BETWEEN ts(o.CreatedDate) - INTERVAL 365 DAY AND ts(o.CreatedDate))
        SELECT count(t.opportunity_id), count(*) FROM opp o LEFT JOIN touched t ON t.opportunity_id = o.Id
        WHERE o.LeadSource IN ('Web', 'Webinar', 'Trade Show', 'Event', 'Content Syndication', 'Paid Search',
                               'Paid Social', 'Email', 'Advertisement', 'Organic Search', 'Social')
          AND o.Type = 'New Business'""")
    assert with_touch / total > 0.75


# ---- the four stories ------------------------------------------------------------------------------------------------
def test_story_spin_doctor_versus_silent_operative(demo):
    _, _, con = demo
    rows = con.execute("""
        WITH members AS (
            SELECT m.CampaignId, m.HasResponded, coalesce(m.ContactId, l.ConvertedContactId) AS contact_id,
                   coalesce(c.Persona__c, l.Persona__c) AS persona, ts(m.CreatedDate) AS at,
                   a.Is_Target_Account__c AS is_target
            FROM member m LEFT JOIN lead l ON l.Id = m.LeadId LEFT JOIN contact c ON c.Id = m.ContactId
            LEFT JOIN account a ON a.Id = c.AccountId),
        linked AS (
            SELECT DISTINCT m.CampaignId, o.Id, CAST(coalesce(o.Amount, '0') AS DOUBLE) AS amount
            FROM members m JOIN role r ON r.ContactId = m.contact_id JOIN opp o ON o.Id = r.OpportunityId
            WHERE m.at BETWEEN ts(o.CreatedDate) - INTERVAL 365 DAY AND ts(o.CreatedDate))
        SELECT c.Name, count(*) AS members, avg(CAST(m.HasResponded = 'true' AS INT)) AS responded_share,
               avg(CAST(coalesce(m.persona, '') NOT IN ('Decision Maker', 'Influencer') AS INT)) AS poor_persona_share,
               avg(CAST(coalesce(m.is_target, 'false') = 'true' AS INT)) AS target_share,
               (SELECT coalesce(sum(amount), 0) FROM linked k WHERE k.CampaignId = c.Id) AS linked_pipeline,
               any_value(c.Targeting__c) AS targeting, any_value(c.ActualCost) AS actual_cost,
               any_value(c.Channel__c) AS channel
        FROM campaign c JOIN members m ON m.CampaignId = c.Id
        WHERE c.Name IN (?, ?) GROUP BY c.Id, c.Name""", [SPIN_DOCTOR_CAMPAIGN, SILENT_OPERATIVE_CAMPAIGN]).fetchall()
    story = {row[0]: dict(zip(("members", "responded", "poor_persona", "target", "pipeline", "targeting", "actual",
                               "channel"), row[1:])) for row in rows}
    spin, silent = story[SPIN_DOCTOR_CAMPAIGN], story[SILENT_OPERATIVE_CAMPAIGN]
    # The spin doctor: big, well tracked, responsive, poor leads, almost no pipeline.
    assert spin["channel"] == "paid_social" and spin["targeting"] and spin["actual"]
    assert spin["members"] > 2_000 and spin["responded"] > 0.9
    assert spin["poor_persona"] > 0.6 and spin["target"] < 0.05
    # The silent operative: badly tracked, target accounts, big pipeline.
    assert silent["channel"] == "event" and silent["targeting"] is None and silent["actual"] is None
    assert silent["responded"] < 0.3 < spin["responded"]
    assert silent["target"] > 0.9 and silent["poor_persona"] < 0.1
    assert silent["pipeline"] > 10 * spin["pipeline"]
    assert silent["pipeline"] > 5_000_000


def test_story_emea_misses_the_follow_up_sla(demo):
    _, _, con = demo
    rows = con.execute("""
        WITH person AS (
            SELECT l.Id AS lead_id, coalesce(l.ConvertedContactId, c.Id) AS contact_id,
                   coalesce(l.OwnerId, c.OwnerId) AS owner_id,
                   CASE WHEN l.MQL_Date__c IS NULL THEN ts(c.MQL_Date__c) WHEN c.MQL_Date__c IS NULL THEN ts(l.MQL_Date__c)
                        ELSE least(ts(l.MQL_Date__c), ts(c.MQL_Date__c)) END AS mql_at
            FROM lead l FULL JOIN contact c ON c.Id = l.ConvertedContactId),
        activity AS (
            SELECT WhoId, ts(CompletedDateTime) AS at FROM task WHERE WhoId IS NOT NULL
            UNION ALL SELECT WhoId, ts(ActivityDateTime) FROM event),
        mql AS (
            SELECT row_number() OVER () AS person_no, * FROM person
            WHERE mql_at >= TIMESTAMP '2024-07-01' AND mql_at < TIMESTAMP '2026-06-01'),
        activity_of_person AS (
            SELECT m.person_no, a.at FROM mql m JOIN activity a ON a.WhoId = m.lead_id AND a.at >= m.mql_at
            UNION ALL SELECT m.person_no, a.at FROM mql m JOIN activity a ON a.WhoId = m.contact_id AND a.at >= m.mql_at),
        follow_up AS (
            SELECT m.person_no, any_value(m.owner_id) AS owner_id,
                   date_diff('second', any_value(m.mql_at), min(a.at)) / 3600 AS hours
            FROM mql m LEFT JOIN activity_of_person a ON a.person_no = m.person_no GROUP BY m.person_no)
        SELECT u.Region__c, median(hours), count(*) FILTER (WHERE hours IS NULL) / count(*),
               count(*) FILTER (WHERE hours <= 24) / count(*), count(*)
        FROM follow_up f JOIN users u ON u.Id = f.owner_id GROUP BY ALL""").fetchall()
    by_region = {region: (median, never, within_sla) for region, median, never, within_sla, _ in rows}
    assert set(by_region) == {"NA", "EMEA", "APAC", "LATAM"}
    assert by_region["EMEA"][0] > 24
    for region in ("NA", "APAC", "LATAM"):
        median, never, within_sla = by_region[region]
        assert 4 <= median <= 10 and never < 0.08 and within_sla > 0.8, region
        assert by_region["EMEA"][1] > 2 * never
    overall_never = sum(n * count for _, _, n, _, count in rows) / sum(count for *_, count in rows)
    assert 0.03 <= overall_never <= 0.1


def test_story_awareness_spend_rises_before_inquiries_and_pipeline(demo):
    _, _, con = demo
    spend = dict(con.execute("""
        SELECT quarter_of(s.period_start), sum(CAST(s.amount AS DOUBLE)) FROM spend s JOIN campaign c ON c.Id = s.campaign_id
        WHERE c.Channel__c IN ('tv', 'podcast', 'display') GROUP BY ALL""").fetchall())
    inquiries = dict(con.execute("""
        SELECT quarter_of(ts(CreatedDate)), count(*) FROM (SELECT CreatedDate FROM lead UNION ALL
            SELECT CreatedDate FROM contact WHERE Id NOT IN (SELECT ConvertedContactId FROM lead WHERE IsConverted = 'true'))
        GROUP BY ALL""").fetchall())
    pipeline = dict(con.execute("SELECT quarter_of(ts(CreatedDate)), sum(CAST(Amount AS DOUBLE)) FROM opp "
                                "GROUP BY ALL").fetchall())
    impressions = dict(con.execute("""
        SELECT quarter_of(period_start), sum(CAST(value AS BIGINT)) FROM awareness
        WHERE metric = 'impressions' GROUP BY ALL""").fetchall())
    q = WINDOW

    def ratio(series, later, earlier):
        return sum(series.get(q[i], 0) for i in later) / sum(series[q[i]] for i in earlier)

    assert ratio(spend, (2, 3), (0, 1)) > 2.0  # spend rises over two quarters ...
    assert ratio(impressions, (2, 3), (0, 1)) > 1.5
    assert ratio(inquiries, (2,), (1,)) < 1.15  # ... inquiries have not moved yet ...
    assert ratio(inquiries, (4, 5), (1, 2)) > 1.3  # ... and lift one to two quarters later,
    assert ratio(pipeline, (5, 6), (1, 2)) > 1.25  # followed by pipeline.
    metrics = {row[0] for row in con.execute("SELECT DISTINCT metric FROM awareness").fetchall()}
    assert metrics == {"impressions", "reach", "site_visits", "branded_search"}


def test_campaigns_are_described_plainly(demo):
    _, _, con = demo
    total, described, targeted, dated = _one(con, """
        SELECT count(*), count(Description), count(Targeting__c), count(*) FILTER (WHERE StartDate <= EndDate)
        FROM campaign""")
    assert described == dated == total and targeted > 0.85 * total
    channels = {row[0] for row in con.execute("SELECT DISTINCT Channel__c FROM campaign").fetchall()}
    assert channels == {"tv", "billboard", "display", "social_organic", "pr", "podcast", "email", "webinar", "event",
                        "paid_search", "paid_social", "content_syndication", "direct_mail", "partner"}
    assert all(re.fullmatch(r"[a-z_]+", channel) for channel in channels)
