"""The SQL every metric shares (stage dates, opportunity sources, campaign cost), as DuckDB macros.

The rules of DESIGN §4.1–4.3, 4.5, 4.6 and 4.8 live here once; each file in metrics/ calls these macros with
its bound parameters, so no metric restates how a stage date, a source category or a quarter's cost is worked
out. They are defined once per database instance in an attached in-memory catalog (the warehouse itself is
read-only) and each cursor finds them through its search path.
"""

from __future__ import annotations

import hashlib
import threading

import duckdb

MACROS: tuple[str, ...] = (
    # Whether a record whose account has this region and segment passes the filters (a NULL filter passes all).
    """CREATE OR REPLACE MACRO in_scope(record_region, record_segment, wanted_region, wanted_segment) AS
         (wanted_region IS NULL OR record_region = wanted_region)
         AND (wanted_segment IS NULL OR record_segment = wanted_segment)""",
    # §4.3/§4.8: lead sources match case-insensitively after trimming; empty or unknown → other.
    """CREATE OR REPLACE MACRO source_category(source, source_names, source_categories) AS
         coalesce(source_categories[list_position(source_names, lower(trim(source)))], 'other')""",
    # §4.8: personas match case-insensitively after trimming, spaces and hyphens read as '_'.
    """CREATE OR REPLACE MACRO persona_key(persona) AS
         nullif(regexp_replace(lower(trim(persona)), '[ -]', '_', 'g'), '')""",
    # §3.1: a campaign's funnel role is its own when set, else its channel's under the charter's mapping.
    """CREATE OR REPLACE MACRO campaign_role(own_role, channel, awareness_channels) AS
         coalesce(own_role, CASE WHEN list_contains(awareness_channels, lower(trim(channel)))
                                 THEN 'awareness' ELSE 'demand_gen' END)""",
    # Days between two moments, fractional (velocity, cycle time).
    """CREATE OR REPLACE MACRO days_between(from_at, to_at) AS
         (epoch(to_at) - epoch(from_at)) / 86400.0""",
    # Every (person, deal) link: the deal the person's lead was converted into, and the deal's contact roles.
    """CREATE OR REPLACE MACRO person_deals() AS TABLE
         SELECT person_id, converted_opportunity_id AS opportunity_id FROM people
         WHERE converted_opportunity_id IS NOT NULL
         UNION
         SELECT person_id, opportunity_id FROM opportunity_contacts""",
    # §4.1/§4.8: one row per person with the date each waterfall stage was reached. `*_recorded_at` are the dates in
    # the data; under back-fill a missing stage takes the date of the next stage reached (whole chain, won included).
    """CREATE OR REPLACE MACRO person_stages(use_backfill) AS TABLE
         WITH lifecycle AS (
           SELECT person_id,
                  min(occurred_at) FILTER (WHERE stage = 'mql') AS mql_recorded_at,
                  min(occurred_at) FILTER (WHERE stage = 'sal') AS sal_recorded_at,
                  min(occurred_at) FILTER (WHERE stage = 'sql') AS sql_recorded_at,
                  min(occurred_at) FILTER (WHERE stage = 'rejected') AS rejected_at,
                  arg_min(reason, occurred_at) FILTER (WHERE stage = 'rejected') AS rejection_reason,
                  min(occurred_at) FILTER (WHERE stage = 'disqualified') AS disqualified_at,
                  arg_min(reason, occurred_at) FILTER (WHERE stage = 'disqualified') AS disqualification_reason
           FROM lifecycle_events GROUP BY person_id),
         deal_dates AS (
           SELECT d.person_id, min(o.created_at) AS opportunity_recorded_at,
                  min(CAST(o.close_date AS TIMESTAMP)) FILTER (WHERE o.is_won) AS won_recorded_at
           FROM person_deals() d JOIN opportunities o USING (opportunity_id) GROUP BY d.person_id),
         recorded AS (
           SELECT p.person_id, p.kind, p.account_id, a.region, a.segment,
                  coalesce(a.is_target_account, false) AS is_target_account, p.owner_id,
                  persona_key(p.persona) AS persona, p.lead_source, p.created_at AS inquiry_at,
                  l.mql_recorded_at, l.sal_recorded_at, l.sql_recorded_at,
                  d.opportunity_recorded_at, d.won_recorded_at,
                  l.rejected_at, l.rejection_reason, l.disqualified_at, l.disqualification_reason
           FROM people p
           LEFT JOIN accounts a ON a.account_id = p.account_id
           LEFT JOIN lifecycle l ON l.person_id = p.person_id
           LEFT JOIN deal_dates d ON d.person_id = p.person_id)
         SELECT *,
                CASE WHEN use_backfill THEN coalesce(mql_recorded_at, sal_recorded_at, sql_recorded_at,
                                                     opportunity_recorded_at, won_recorded_at)
                     ELSE mql_recorded_at END AS mql_at,
                CASE WHEN use_backfill THEN coalesce(sal_recorded_at, sql_recorded_at, opportunity_recorded_at,
                                                     won_recorded_at)
                     ELSE sal_recorded_at END AS sal_at,
                CASE WHEN use_backfill THEN coalesce(sql_recorded_at, opportunity_recorded_at, won_recorded_at)
                     ELSE sql_recorded_at END AS sql_at,
                CASE WHEN use_backfill THEN coalesce(opportunity_recorded_at, won_recorded_at)
                     ELSE opportunity_recorded_at END AS opportunity_at,
                won_recorded_at AS won_at
         FROM recorded""",
    # §4.2/§4.8: the MQLs of a period and their first follow-up (the first activity at or after mql_at).
    """CREATE OR REPLACE MACRO mql_follow_ups(use_backfill, q_start, q_end) AS TABLE
         WITH mqls AS (
           SELECT * FROM person_stages(use_backfill) WHERE mql_at >= q_start AND mql_at < q_end),
         first_activity AS (
           SELECT m.person_id, min(a.occurred_at) AS followed_up_at
           FROM mqls m JOIN sales_activities a ON a.person_id = m.person_id AND a.occurred_at >= m.mql_at
           GROUP BY m.person_id)
         SELECT m.*, f.followed_up_at, (epoch(f.followed_up_at) - epoch(m.mql_at)) / 3600.0 AS hours_to_follow_up
         FROM mqls m LEFT JOIN first_activity f ON f.person_id = m.person_id""",
    # §4.5/§4.8: the MQLs of a period with the three sales-ready tests (target account, decision role, interest).
    """CREATE OR REPLACE MACRO period_mql_quality(use_backfill, q_start, q_end, window_days, min_touches,
                                                         ready_personas) AS TABLE
         WITH mqls AS (
           SELECT * FROM person_stages(use_backfill) WHERE mql_at >= q_start AND mql_at < q_end),
         interest AS (
           SELECT m.person_id, count(*) AS interest_touches
           FROM mqls m JOIN touches t ON t.person_id = m.person_id
            AND t.touch_at >= m.mql_at - to_days(CAST(window_days AS INTEGER)) AND t.touch_at <= m.mql_at
           GROUP BY m.person_id)
         SELECT m.*, coalesce(i.interest_touches, 0) AS interest_touches,
                (m.is_target_account AND coalesce(list_contains(ready_personas, m.persona), false)
                 AND coalesce(i.interest_touches, 0) >= min_touches) AS is_sales_ready
         FROM mqls m LEFT JOIN interest i ON i.person_id = m.person_id""",
    # Every deal with its amount (empty = 0), close moment (midnight UTC of close_date) and its account's region
    # and segment (filters reach a deal through its account).
    """CREATE OR REPLACE MACRO deals() AS TABLE
         SELECT o.opportunity_id, o.account_id, a.region, a.segment, o.owner_id, o.created_at,
                CAST(o.close_date AS TIMESTAMP) AS closed_at, coalesce(o.amount, 0) AS amount,
                coalesce(o.is_closed, false) AS is_closed, coalesce(o.is_won, false) AS is_won,
                o.lead_source, o.primary_campaign_id
         FROM opportunities o LEFT JOIN accounts a ON a.account_id = o.account_id""",
    # §4.3/§4.8: every deal with its source (own lead source; else the earliest-created lead converted into it that
    # has one; else its primary contact's) and the source's category.
    """CREATE OR REPLACE MACRO opportunity_sources(source_names, source_categories) AS TABLE
         WITH converted_lead AS (
           SELECT converted_opportunity_id AS opportunity_id,
                  arg_min(lead_source, (created_at, person_id)) AS lead_source
           FROM people
           WHERE converted_opportunity_id IS NOT NULL AND nullif(trim(lead_source), '') IS NOT NULL
           GROUP BY converted_opportunity_id),
         primary_contact AS (
           SELECT oc.opportunity_id, arg_min(p.lead_source, (p.created_at, p.person_id)) AS lead_source
           FROM opportunity_contacts oc JOIN people p ON p.person_id = oc.person_id
           WHERE oc.is_primary AND nullif(trim(p.lead_source), '') IS NOT NULL
           GROUP BY oc.opportunity_id),
         sourced AS (
           SELECT d.*, c.channel AS primary_campaign_channel,
                  coalesce(nullif(trim(d.lead_source), ''), cl.lead_source, pc.lead_source) AS source,
                  CASE WHEN nullif(trim(d.lead_source), '') IS NOT NULL THEN 'opportunity'
                       WHEN cl.lead_source IS NOT NULL THEN 'converted lead'
                       WHEN pc.lead_source IS NOT NULL THEN 'primary contact' END AS source_from
           FROM deals() d
           LEFT JOIN campaigns c ON c.campaign_id = d.primary_campaign_id
           LEFT JOIN converted_lead cl ON cl.opportunity_id = d.opportunity_id
           LEFT JOIN primary_contact pc ON pc.opportunity_id = d.opportunity_id)
         SELECT *, source_category(source, source_names, source_categories) AS source_category FROM sourced""",
    # §4.6: each campaign's cost falling in [q_start, q_end): its spend rows of the period when it has any, else its
    # actual cost (else budgeted cost, flagged) spread evenly over its days, first and last day included.
    """CREATE OR REPLACE MACRO campaign_costs(q_start, q_end) AS TABLE
         WITH spend AS (
           SELECT campaign_id,
                  coalesce(sum(amount) FILTER (WHERE period_start >= CAST(q_start AS DATE)
                                                 AND period_start < CAST(q_end AS DATE)), 0) AS in_period
           FROM campaign_spend GROUP BY campaign_id),
         spans AS (
           SELECT c.*, coalesce(c.start_date, c.end_date) AS first_day, coalesce(c.end_date, c.start_date) AS last_day
           FROM campaigns c)
         SELECT s.campaign_id, s.name, s.channel, s.funnel_role,
                CASE WHEN sp.campaign_id IS NOT NULL THEN 'spend rows'
                     WHEN s.actual_cost IS NOT NULL THEN 'actual cost'
                     WHEN s.budgeted_cost IS NOT NULL THEN 'budgeted cost' END AS cost_basis,
                CASE WHEN sp.campaign_id IS NOT NULL THEN sp.in_period
                     WHEN s.last_day < s.first_day THEN NULL
                     ELSE coalesce(s.actual_cost, s.budgeted_cost)
                          * greatest(0, least(s.last_day, CAST(q_end AS DATE) - 1)
                                        - greatest(s.first_day, CAST(q_start AS DATE)) + 1)
                          / (s.last_day - s.first_day + 1) END AS cost
         FROM spans s LEFT JOIN spend sp ON sp.campaign_id = s.campaign_id""",
)


# Named after the macros' text, so a changed definition never meets an instance holding the old one.
MACRO_CATALOG = "metric_macros_" + hashlib.sha256("\n".join(MACROS).encode()).hexdigest()[:12]
_INSTALLING = threading.Lock()


def _installed(cursor: duckdb.DuckDBPyConnection) -> bool:
    found = cursor.execute("SELECT count(*) FROM duckdb_databases() WHERE database_name = $name",
                           {"name": MACRO_CATALOG}).fetchall()
    return found[0][0] > 0


def prepare(cursor: duckdb.DuckDBPyConnection, installer: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Make the macros callable from `cursor`, defining them first (through `installer`) if this instance lacks them.

    Both cursors come from the same source and start in the database the metrics read (the warehouse).
    """
    database = '"' + cursor.execute("SELECT current_database()").fetchall()[0][0].replace('"', '""') + '"'
    with _INSTALLING:
        if not _installed(cursor):
            # The catalog name is a constant of this module, never user input; identifiers cannot be bound.
            installer.execute("ATTACH ':memory:' AS " + MACRO_CATALOG)
            installer.execute("USE " + MACRO_CATALOG)
            # Table names in the macro bodies are checked on creation, so the warehouse must be on the path.
            installer.execute("SET search_path = $path", {"path": f"{MACRO_CATALOG}.main,{database}.main"})
            try:
                for statement in MACROS:
                    installer.execute(statement)
            except duckdb.Error:
                # Leave no half-defined catalog behind for the next caller to mistake for a complete one.
                installer.execute("USE " + database)
                installer.execute("DETACH " + MACRO_CATALOG)
                raise
    cursor.execute("SET search_path = $path", {"path": f"{database}.main,{MACRO_CATALOG}.main"})
    return cursor
