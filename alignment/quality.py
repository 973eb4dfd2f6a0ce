"""Data-quality checks: audit queries over the warehouse that should return no rows; reported, never blocking."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd


@dataclass(frozen=True)
class Audit:
    """One audit query: what it looks for, why it matters, and the rows that break it."""

    name: str
    title: str
    description: str
    severity: str  # "warning" skews numbers; "info" limits what can be shown
    sql: str


@dataclass(frozen=True)
class QualityCheck:
    name: str
    title: str
    description: str
    count: int
    severity: str


AUDITS: tuple[Audit, ...] = (
    Audit("people_without_account", "People pointing at an account that is not loaded",
          "Their account's segment, region and target status are unknown, so they can never be sales-ready.",
          "warning",
          """SELECT p.person_id, p.kind, p.account_id, p.created_at FROM people p
             WHERE p.account_id IS NOT NULL AND p.account_id NOT IN (SELECT account_id FROM accounts)"""),
    Audit("opportunities_without_account", "Opportunities pointing at an account that is not loaded",
          "Their segment and region are unknown, so they drop out of segment and region filters.",
          "warning",
          """SELECT o.opportunity_id, o.name, o.account_id, o.amount FROM opportunities o
             WHERE o.account_id IS NULL OR o.account_id NOT IN (SELECT account_id FROM accounts)"""),
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
    Audit("opportunities_without_amount", "Opportunities with no amount (loaded as 0)",
          "They count as deals but add nothing to pipeline or bookings.",
          "warning",
          """SELECT opportunity_id, name, stage, created_at FROM opportunities WHERE amount = 0"""),
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
    Audit("future_dates", "Records dated after the import",
          "A creation, stage or response date later than the moment the data was imported.",
          "warning",
          """WITH cutoff AS (SELECT imported_at AS at FROM _import)
             SELECT 'people.created_at' AS field, person_id AS record_id, created_at AS value FROM people, cutoff
               WHERE created_at > cutoff.at
             UNION ALL SELECT 'lifecycle_events.occurred_at', person_id, occurred_at FROM lifecycle_events, cutoff
               WHERE occurred_at > cutoff.at
             UNION ALL SELECT 'opportunities.created_at', opportunity_id, created_at FROM opportunities, cutoff
               WHERE created_at > cutoff.at
             UNION ALL SELECT 'opportunities.close_date (closed)', opportunity_id, CAST(close_date AS TIMESTAMP)
               FROM opportunities, cutoff WHERE is_closed AND close_date > cutoff.at
             UNION ALL SELECT 'campaign_members.first_responded_at', person_id, first_responded_at
               FROM campaign_members, cutoff WHERE first_responded_at > cutoff.at"""),
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


def run_checks(con: duckdb.DuckDBPyConnection) -> list[QualityCheck]:
    """Every audit with the number of rows it finds."""
    cursor = con.cursor()
    return [
        QualityCheck(a.name, a.title, a.description,
                     cursor.execute("SELECT count(*) FROM (" + a.sql + ")").fetchall()[0][0], a.severity)
        for a in AUDITS
    ]


def check_rows(con: duckdb.DuckDBPyConnection, name: str, limit: int = 1000) -> pd.DataFrame:
    """The records an audit finds (at most `limit`)."""
    audit = BY_NAME[name]
    return con.cursor().execute("SELECT * FROM (" + audit.sql + ") LIMIT $limit", {"limit": limit}).df()
