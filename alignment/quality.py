"""Data-quality checks: audit queries over the warehouse that should return no rows; reported, never blocking."""

from __future__ import annotations

from dataclasses import dataclass

from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:  # the import reports findings too, and need not load pandas for that
    import pandas as pd


@dataclass(frozen=True)
class Audit:
    """One audit query: what it looks for, why it matters, and the rows that break it."""

    name: str
    title: str
    description: str
    severity: str  # "warning" skews numbers; "info" limits what can be shown
    sql: str
    # A finding the import reports as well (see `finding`): the canonical table, the column shown and the condition
    # its rows meet, so that the import's warning and this check count the same rows in the same words.
    table: str = ""
    column: str = ""
    where: str = ""


@dataclass(frozen=True)
class QualityCheck:
    name: str
    title: str
    description: str
    count: int
    severity: str


def finding(name: str, title: str, description: str, severity: str, table: str, column: str, where: str,
            shown: str, *, report: bool = True) -> Audit:
    """An audit of rows of one canonical table that meet `where`; with `report`, the import warns about them too."""
    sql = "SELECT " + shown + " FROM " + table + " WHERE " + where
    return Audit(name, title, description, severity, sql, *((table, column, where) if report else ()))


# An account given that the accounts table does not hold (an empty account_id is "no account given": it must be
# excluded here, since NULL NOT IN an empty list is true).
LOADED_ELSEWHERE = "account_id IS NOT NULL AND account_id NOT IN (SELECT account_id FROM accounts)"

AUDITS: tuple[Audit, ...] = (
    finding("people_no_account", "People with no account given",
            "Their account is empty (as a lead's is until it is converted): no segment, region or target status, so "
            "they can never be sales-ready.",
            "info", "people", "account_id", "account_id IS NULL", "person_id, kind, created_at", report=False),
    finding("people_account_not_loaded",
            "People whose account is not loaded (no accounts row has their account_id)",
            "Their account's segment, region and target status are unknown, so they can never be sales-ready.",
            "warning", "people", "account_id", LOADED_ELSEWHERE,
            "person_id, kind, account_id, created_at"),
    finding("opportunities_no_account", "Opportunities with no account given",
            "Their account is empty: their segment and region are unknown, so they drop out of segment and region "
            "filters, and only their own contacts' touches can influence them.",
            "warning", "opportunities", "account_id", "account_id IS NULL", "opportunity_id, name, amount"),
    finding("opportunities_account_not_loaded",
            "Opportunities whose account is not loaded (no accounts row has their account_id)",
            "Their segment and region are unknown, so they drop out of segment and region filters.",
            "warning", "opportunities", "account_id", LOADED_ELSEWHERE,
            "opportunity_id, name, account_id, amount"),
    Audit("members_without_person", "Campaign members pointing at a person who is not loaded",
          "Their touches cannot be linked to any opportunity.",
          "warning",
          """SELECT m.campaign_id, m.person_id, m.has_responded FROM campaign_members m
             WHERE m.person_id NOT IN (SELECT person_id FROM people)"""),
    Audit("activities_without_person", "Sales activities on a person who is not loaded",
          "They cannot count as a follow-up of any MQL.",
          "info",
          """SELECT a.activity_id, a.person_id, a.occurred_at, a.type FROM sales_activities a
             WHERE a.person_id NOT IN (SELECT person_id FROM people)"""),
    Audit("opportunities_without_contact_roles", "Opportunities with no contact role",
          "Without contact roles (or a converted lead) no campaign touch can be linked: the deal counts as "
          "unattributed and not marketing-influenced.",
          "warning",
          """SELECT o.opportunity_id, o.name, o.amount, o.created_at FROM opportunities o
             WHERE o.opportunity_id NOT IN (SELECT opportunity_id FROM opportunity_contacts)
               AND o.opportunity_id NOT IN (SELECT converted_opportunity_id FROM people
                                            WHERE converted_opportunity_id IS NOT NULL)"""),
    finding("opportunities_amount_empty", "Opportunities with the amount empty (counted as 0)",
            "The export gave no amount: every number counts them as 0, so they add nothing to pipeline or bookings.",
            "warning", "opportunities", "amount", "amount IS NULL", "opportunity_id, name, stage, created_at"),
    finding("opportunities_amount_zero", "Opportunities with an amount of 0",
            "The export says 0: they count as deals but add nothing to pipeline or bookings.",
            "warning", "opportunities", "amount", "amount = 0", "opportunity_id, name, stage, created_at"),
    Audit("campaigns_without_cost", "Campaigns with no cost",
          "No actual cost, no budget and no spend rows: cost per lead and ROI cannot be computed for them.",
          "warning",
          """SELECT c.campaign_id, c.name, c.channel FROM campaigns c
             WHERE c.actual_cost IS NULL AND c.budgeted_cost IS NULL
               AND c.campaign_id NOT IN (SELECT campaign_id FROM campaign_spend)"""),
    Audit("campaigns_budget_only", "Campaigns costed from budget only",
          "No actual cost was recorded, so the budgeted cost stands in for it (flagged wherever cost is shown).",
          "info",
          """SELECT c.campaign_id, c.name, c.channel, c.budgeted_cost FROM campaigns c
             WHERE c.actual_cost IS NULL AND c.budgeted_cost IS NOT NULL
               AND c.campaign_id NOT IN (SELECT campaign_id FROM campaign_spend)"""),
    Audit("campaigns_without_sponsor", "Campaigns without a sales sponsor",
          "Every initiative should have a sales sponsor so sales is involved from the start.",
          "info",
          """SELECT campaign_id, name, channel, start_date FROM campaigns WHERE sales_sponsor_id IS NULL"""),
    Audit("responses_without_date", "Responses with no response date",
          "The touch is dated when the person was added to the campaign instead, which may move it out of an "
          "attribution window.",
          "info",
          """SELECT campaign_id, person_id, created_at FROM campaign_members
             WHERE has_responded AND first_responded_at IS NULL"""),
    Audit("skipped_stages", "People who skipped a lifecycle stage",
          "They reached a later stage with no date for an earlier one; the stage policy back-fills (or not) "
          "the missing date.",
          "info",
          """SELECT person_id,
                    bool_or(stage = 'mql') AS has_mql, bool_or(stage = 'sal') AS has_sal,
                    bool_or(stage = 'sql') AS has_sql
             FROM lifecycle_events GROUP BY person_id
             HAVING (bool_or(stage = 'sql') AND NOT bool_or(stage = 'sal'))
                 OR (bool_or(stage IN ('sal', 'sql')) AND NOT bool_or(stage = 'mql'))"""),
    Audit("duplicate_accounts", "Accounts that share a name",
          "Likely duplicates: their people and deals are split across two records.",
          "info",
          """SELECT lower(trim(account_name)) AS account_name, count(*) AS records,
                    string_agg(account_id, ', ' ORDER BY account_id) AS account_ids
             FROM accounts WHERE account_name IS NOT NULL GROUP BY 1 HAVING count(*) > 1"""),
    Audit("duplicate_people", "Possible duplicate people",
          "Several people at one account with the same title, created within the same minute.",
          "info",
          """SELECT account_id, title, date_trunc('minute', created_at) AS created_minute, count(*) AS records,
                    string_agg(person_id, ', ' ORDER BY person_id) AS person_ids
             FROM people WHERE account_id IS NOT NULL AND title IS NOT NULL
             GROUP BY 1, 2, 3 HAVING count(*) > 1"""),
    Audit("dates_after_as_of", "Records dated after the data's as-of",
          "A stage, activity, response or close date on a day after the data's as-of (the day the latest person, "
          "deal or account in the extract was created): most likely a typing error, and it can move a number into "
          "a quarter that has not happened yet.",
          "warning",
          """WITH cutoff AS (
               SELECT CAST(greatest((SELECT max(created_at) FROM people), (SELECT max(created_at) FROM opportunities),
                                    (SELECT max(created_at) FROM accounts)) AS DATE) AS day)
             SELECT 'lifecycle_events.occurred_at' AS field, person_id AS record_id, occurred_at AS value
               FROM lifecycle_events, cutoff WHERE CAST(occurred_at AS DATE) > cutoff.day
             UNION ALL SELECT 'sales_activities.occurred_at', activity_id, occurred_at FROM sales_activities, cutoff
               WHERE CAST(occurred_at AS DATE) > cutoff.day
             UNION ALL SELECT 'campaign_members.first_responded_at', person_id, first_responded_at
               FROM campaign_members, cutoff WHERE CAST(first_responded_at AS DATE) > cutoff.day
             UNION ALL SELECT 'opportunities.close_date (closed)', opportunity_id, CAST(close_date AS TIMESTAMP)
               FROM opportunities, cutoff WHERE is_closed AND close_date > cutoff.day"""),
    Audit("stages_out_of_order", "Stages reached out of order",
          "A stage recorded before the one that must come first (an MQL before the person existed, a SAL before "
          "the MQL, a deal opened before the lead converted into it existed, closed before opened): the durations "
          "between them are left out, never shown below zero.",
          "warning",
          """WITH dates AS (
               SELECT person_id, inquiry_at, mql_recorded_at, sal_recorded_at, sql_recorded_at
               FROM person_stage_dates),
             pairs AS (
               SELECT person_id AS record_id, 'MQL before the person was created' AS problem,
                      inquiry_at AS earlier_stage_at, mql_recorded_at AS later_stage_at FROM dates
               UNION ALL SELECT person_id, 'SAL before the MQL', mql_recorded_at, sal_recorded_at FROM dates
               UNION ALL SELECT person_id, 'SQL before the SAL', sal_recorded_at, sql_recorded_at FROM dates
               UNION ALL SELECT o.opportunity_id, 'deal opened before the lead converted into it was created',
                      p.created_at, o.created_at
               FROM people p JOIN opportunities o ON o.opportunity_id = p.converted_opportunity_id
               UNION ALL SELECT opportunity_id, 'deal closed before it was opened', created_at,
                      CAST(close_date AS TIMESTAMP)
               FROM opportunities WHERE is_closed)
             SELECT * FROM pairs WHERE CAST(later_stage_at AS DATE) < CAST(earlier_stage_at AS DATE)"""),
    Audit("dates_far_from_the_rest", "Creation dates far before the rest of the data",
          "A person or deal created more than two years before 99 % of the others: most likely a wrong date, and "
          "it stretches every chart over the years between.",
          "info",
          """WITH bounds AS (
               SELECT (SELECT quantile_disc(created_at, 0.01) FROM people) - INTERVAL 730 DAY AS people_from,
                      (SELECT quantile_disc(created_at, 0.01) FROM opportunities) - INTERVAL 730 DAY AS deals_from)
             SELECT 'people.created_at' AS field, person_id AS record_id, created_at AS value
               FROM people, bounds WHERE created_at < bounds.people_from
             UNION ALL SELECT 'opportunities.created_at', opportunity_id, created_at
               FROM opportunities, bounds WHERE created_at < bounds.deals_from"""),
    Audit("won_without_close_date", "Won opportunities with no close date",
          "They can never count as bookings of any quarter.",
          "warning",
          """SELECT opportunity_id, name, amount FROM opportunities WHERE is_won AND close_date IS NULL"""),
    Audit("won_but_not_closed", "Opportunities won but not closed",
          "The CRM's flags disagree; win rate counts only closed deals.",
          "warning",
          """SELECT opportunity_id, name, stage FROM opportunities WHERE is_won AND NOT is_closed"""),
    Audit("campaign_dates_reversed", "Campaigns that end before they start",
          "Their cost cannot be spread over their days.",
          "warning",
          """SELECT campaign_id, name, start_date, end_date FROM campaigns WHERE end_date < start_date"""),
)
BY_NAME = {audit.name: audit for audit in AUDITS}
# What the import warns about in the words and counts of data quality (`where` reads the canonical tables by name).
IMPORT_FINDINGS = tuple(audit for audit in AUDITS if audit.where)


NOT_MEASURED_PREFIX = "not_measured_"


def _not_measured(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, list[str]]]:
    """Each input the data lacks that a headline metric needs → (why, the titles of the metrics it leaves not
    measured)."""
    from alignment import catalog

    missing = catalog.missing_inputs(con)
    needed = {name: [m.title for m in catalog.headline_metrics() if name in m.needs] for name in missing}
    # An input no headline metric needs (stage history, stage counts) leaves no number empty: not a finding.
    return {name: (reason, needed[name]) for name, reason in missing.items() if needed[name]}


def run_checks(con: duckdb.DuckDBPyConnection) -> list[QualityCheck]:
    """Every audit with the number of rows it finds, then one check per input the data lacks, counting the headline
    metrics it leaves not measured (the sign-off checklist shows them all)."""
    cursor = con.cursor()
    checks = [
        QualityCheck(a.name, a.title, a.description,
                     cursor.execute("SELECT count(*) FROM (" + a.sql + ")").fetchall()[0][0], a.severity)
        for a in AUDITS
    ]
    for name, (reason, titles) in _not_measured(con).items():
        checks.append(QualityCheck(
            NOT_MEASURED_PREFIX + name, f"Not measured: {reason}",
            "These metrics show no number (never a zero) until it is loaded: " + ", ".join(titles) + ".",
            len(titles), "warning"))
    return checks


def check_rows(con: duckdb.DuckDBPyConnection, name: str, limit: int = 1000) -> pd.DataFrame:
    """The records an audit finds (at most `limit`); for an input the data lacks, the metrics it leaves unmeasured."""
    if name.startswith(NOT_MEASURED_PREFIX):
        import pandas as pd

        reason, titles = _not_measured(con).get(name.removeprefix(NOT_MEASURED_PREFIX), ("", []))
        return pd.DataFrame({"metric": titles, "not_measured_because": [reason] * len(titles)})
    audit = BY_NAME[name]
    return con.cursor().execute("SELECT * FROM (" + audit.sql + ") LIMIT $limit", {"limit": limit}).df()
