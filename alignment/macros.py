"""The SQL every metric shares (stage dates, opportunity sources, campaign cost), as DuckDB macros.

The rules of DESIGN §4.1–4.3, 4.5, 4.6 and 4.8 live here once; each file in metrics/ calls these macros with
its bound parameters, so no metric restates how a stage date, a source category or a quarter's cost is worked
out. They are defined once per database instance in an attached in-memory catalog (the warehouse itself is
read-only), together with one table macro per headline metric (made by the catalog from its file, so a scorecard
can evaluate a metric for 8 quarters in one query), and each cursor finds them through its search path.
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading

import duckdb

from alignment import attribution, names

MACROS: tuple[str, ...] = (
    # §12: the one normal form of lead sources, channels and personas (alignment.names.key).
    names.sql_macro(),
    # Whether a record whose account has this region and segment passes the filters (a NULL filter passes all).
    """CREATE OR REPLACE MACRO in_scope(record_region, record_segment, wanted_region, wanted_segment) AS
         (wanted_region IS NULL OR record_region = wanted_region)
         AND (wanted_segment IS NULL OR record_segment = wanted_segment)""",
    # §4.3/§4.8: lead sources match by their normal form (source_names are keys already); empty or unknown → other.
    """CREATE OR REPLACE MACRO source_category(source, source_names, source_categories) AS
         coalesce(source_categories[list_position(source_names, name_key(source))], 'other')""",
    # §4.8: personas match by their normal form.
    """CREATE OR REPLACE MACRO persona_key(persona) AS name_key(persona)""",
    # §3.1: a campaign's funnel role is its own when set, else its channel's under the charter's mapping.
    """CREATE OR REPLACE MACRO campaign_role(own_role, channel, awareness_channels) AS
         coalesce(own_role, CASE WHEN list_contains(awareness_channels, name_key(channel))
                                 THEN 'awareness' ELSE 'demand_gen' END)""",
    # Days between two moments, counted at one grain, calendar days (velocity, cycle time): a deal opened and won on
    # the same day takes 0 days, whatever the hour it was opened, since a close date has no hour. A later moment
    # before the earlier one is a data error (quality.stages_out_of_order) and gives no duration, never one below 0.
    """CREATE OR REPLACE MACRO days_between(from_at, to_at) AS
         CASE WHEN CAST(to_at AS DATE) >= CAST(from_at AS DATE)
              THEN date_diff('day', CAST(from_at AS DATE), CAST(to_at AS DATE)) END""",
    # Every (person, deal) link: the deal the person's lead was converted into, and the deal's contact roles.
    """CREATE OR REPLACE MACRO person_deals() AS TABLE
         SELECT person_id, converted_opportunity_id AS opportunity_id FROM people
         WHERE converted_opportunity_id IS NOT NULL
         UNION
         SELECT person_id, opportunity_id FROM opportunity_contacts""",
    # §4.1/§4.8: one row per person with the date each waterfall stage was reached, under the stage policy. The
    # recorded and back-filled dates are precomputed at import (warehouse.person_stage_dates); this picks a column.
    """CREATE OR REPLACE MACRO person_stages_followed_up(use_backfill) AS TABLE
         SELECT person_id, kind, account_id, region, segment, is_target_account, owner_id, persona, lead_source,
                inquiry_at, mql_recorded_at, sal_recorded_at, sql_recorded_at, opportunity_recorded_at,
                won_recorded_at, rejected_at, rejection_reason, disqualified_at, disqualification_reason,
                CASE WHEN use_backfill THEN mql_backfilled_at ELSE mql_recorded_at END AS mql_at,
                CASE WHEN use_backfill THEN sal_backfilled_at ELSE sal_recorded_at END AS sal_at,
                CASE WHEN use_backfill THEN sql_backfilled_at ELSE sql_recorded_at END AS sql_at,
                CASE WHEN use_backfill THEN opportunity_backfilled_at ELSE opportunity_recorded_at END
                  AS opportunity_at,
                won_recorded_at AS won_at,
                CASE WHEN use_backfill THEN followed_up_backfilled_at ELSE followed_up_recorded_at END
                  AS first_follow_up_at,
                responded_touch_times
         FROM person_stage_dates""",
    # The stage dates alone (the first follow-up belongs to mql_follow_ups, the touch times to period_mql_quality).
    """CREATE OR REPLACE MACRO person_stages(use_backfill) AS TABLE
         SELECT * EXCLUDE (first_follow_up_at, responded_touch_times) FROM person_stages_followed_up(use_backfill)""",
    # The value of a funnel split for a record (a person, a deal, a row of stage counts): the source category of its
    # lead source, the lead source itself in its normal form, its channel, segment or region; '(none)' when it has
    # none, '(all)' without a split.
    """CREATE OR REPLACE MACRO split_value(split_by, lead_source, channel, segment, region, source_names,
                                           source_categories) AS
         CASE split_by WHEN 'source_category' THEN source_category(lead_source, source_names, source_categories)
                       WHEN 'lead_source' THEN coalesce(name_key(lead_source), '(none)')
                       WHEN 'channel' THEN coalesce(channel, '(none)')
                       WHEN 'segment' THEN coalesce(segment, '(none)')
                       WHEN 'region' THEN coalesce(region, '(none)')
                       ELSE '(all)' END""",
    # The waterfall's people in scope, each with the value of the chosen split: by their own lead source, the channel
    # of their first touch (ties by campaign), or their account's segment or region.
    """CREATE OR REPLACE MACRO funnel_people(use_backfill, split_by, source_names, source_categories,
                                             wanted_region, wanted_segment) AS TABLE
         WITH first_touch AS (
           SELECT person_id, arg_min(channel, (touch_at, campaign_id)) AS channel
           FROM touches WHERE touch_at IS NOT NULL GROUP BY person_id
         )
         SELECT ps.*, split_value(split_by, ps.lead_source, ft.channel, ps.segment, ps.region, source_names,
                                  source_categories) AS split_value
         FROM person_stages(use_backfill) ps LEFT JOIN first_touch ft ON ft.person_id = ps.person_id
         WHERE in_scope(ps.region, ps.segment, wanted_region, wanted_segment)""",
    # §4.2/§4.8: the MQLs of a period and their first follow-up (the first activity at or after mql_at).
    """CREATE OR REPLACE MACRO mql_follow_ups(use_backfill, q_start, q_end) AS TABLE
         SELECT * EXCLUDE (first_follow_up_at, responded_touch_times), first_follow_up_at AS followed_up_at,
                (epoch(first_follow_up_at) - epoch(mql_at)) / 3600.0 AS hours_to_follow_up
         FROM person_stages_followed_up(use_backfill) WHERE mql_at >= q_start AND mql_at < q_end""",
    # How many of a person's responded-touch times (a list, precomputed at import) fall in [from_at, to_at].
    """CREATE OR REPLACE MACRO touches_between(touch_times, from_at, to_at) AS
         coalesce(len(list_filter(touch_times, lambda touch_at: touch_at >= from_at AND touch_at <= to_at)), 0)""",
    # §4.5/§4.8: the MQLs of a period with the three sales-ready tests (target account, decision role, interest).
    """CREATE OR REPLACE MACRO period_mql_quality(use_backfill, q_start, q_end, window_days, min_touches,
                                                         ready_personas) AS TABLE
         WITH mqls AS (
           SELECT *, mql_at - to_days(CAST(window_days AS INTEGER)) AS interest_from_at
           FROM person_stages_followed_up(use_backfill) WHERE mql_at >= q_start AND mql_at < q_end)
         SELECT * EXCLUDE (first_follow_up_at, responded_touch_times, interest_from_at),
                touches_between(responded_touch_times, interest_from_at, mql_at) AS interest_touches,
                -- Touches are counted again, but only for the MQLs that pass the two cheap tests: a CASE evaluates
                -- its branch on the rows that reach it, and the count is most of the cost.
                CASE WHEN is_target_account AND coalesce(list_contains(ready_personas, persona), false)
                     THEN touches_between(responded_touch_times, interest_from_at, mql_at) >= min_touches
                     ELSE false END AS is_sales_ready
         FROM mqls""",
    # Every deal with its amount (empty = 0), close moment and its account's region and segment (filters reach a
    # deal through its account); precomputed at import (warehouse.opportunity_facts).
    """CREATE OR REPLACE MACRO deals() AS TABLE
         SELECT opportunity_id, account_id, region, segment, owner_id, created_at, closed_at, amount, is_closed,
                is_won, lead_source, primary_campaign_id
         FROM opportunity_facts""",
    # §4.4 influence without the touches: a deal has an eligible touch (pipeline basis: in [opened − lookback,
    # opened]; bookings basis: in [opened − lookback, end of close date), won deals only) exactly when its linked
    # people's latest touch up to the window's end, stored at import (warehouse.opportunity_facts), falls on or after
    # opened − lookback. Linking (contacts or the whole account) and the lookback are the charter's, bound here.
    """CREATE OR REPLACE MACRO influenced_deals(by_account, primary_credit, lookback_hours) AS TABLE
         SELECT opportunity_id, region, segment, created_at, closed_at, amount, is_won,
                coalesce(CASE WHEN by_account THEN latest_account_touch_at ELSE latest_contact_touch_at END
                         >= created_at - to_hours(CAST(lookback_hours AS BIGINT)), false)
                  -- §12: a deal naming a loaded primary campaign has a touch at its creation when it has no other
                  OR (primary_credit AND primary_campaign_channel IS NOT NULL) AS is_influenced,
                coalesce(is_won AND closed_at IS NOT NULL
                         AND CASE WHEN by_account THEN latest_account_touch_by_close_at
                                  ELSE latest_contact_touch_by_close_at END
                             >= created_at - to_hours(CAST(lookback_hours AS BIGINT)), false)
                  OR (primary_credit AND primary_campaign_channel IS NOT NULL AND is_won AND closed_at IS NOT NULL)
                  AS has_bookings_touch
         FROM opportunity_facts""",
    # §4.3/§4.8: every deal with its resolved source (precomputed at import) and the source's category under the
    # charter's map.
    """CREATE OR REPLACE MACRO opportunity_sources(source_names, source_categories) AS TABLE
         SELECT *, source_category(source, source_names, source_categories) AS source_category
         FROM opportunity_facts""",
    # The funnels' deals in scope (through their account), each with the value of the chosen split: by its resolved
    # source, its primary campaign's channel, or its account's segment or region.
    """CREATE OR REPLACE MACRO funnel_deals_in_scope(split_by, source_names, source_categories, wanted_region,
                                                     wanted_segment) AS TABLE
         SELECT *, split_value(split_by, source, primary_campaign_channel, segment, region, source_names,
                               source_categories) AS split_value
         FROM opportunity_sources(source_names, source_categories)
         WHERE in_scope(region, segment, wanted_region, wanted_segment)""",
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



def table_macro(name: str, arguments: tuple[str, ...], sql: str) -> str:
    """A query taking `$name` parameters as a table macro taking `arg_name` ones (the prefix keeps them from
    shadowing columns). Names come from the code, never from users; values reach the macro as bound parameters."""
    body = re.sub(r"\$([A-Za-z_][A-Za-z0-9_]*)", lambda match: "arg_" + match.group(1), sql)
    return ("CREATE OR REPLACE MACRO " + name + "(" + ", ".join("arg_" + a for a in arguments) + ") AS TABLE\n"
            + body.strip())


# §4.4: attribution, from alignment.attribution's own SQL (one source), for the attribution metrics of the catalog.
MACROS = MACROS + tuple(table_macro(*source) for source in attribution.MACRO_SOURCES)


@functools.cache
def catalog_name(optional: tuple[str, ...] = ()) -> str:
    """The attached catalog holding these macros plus `optional`, named after their text, so a changed definition
    never meets an instance holding the old one."""
    return "metric_macros_" + hashlib.sha256("\n".join(MACROS + optional).encode()).hexdigest()[:12]


_INSTALLING = threading.Lock()


def _installed(cursor: duckdb.DuckDBPyConnection, name: str) -> bool:
    found = cursor.execute("SELECT count(*) FROM duckdb_databases() WHERE database_name = $name",
                           {"name": name}).fetchall()
    return found[0][0] > 0


def prepare(cursor: duckdb.DuckDBPyConnection, installer: duckdb.DuckDBPyConnection,
            optional: tuple[str, ...] = ()) -> duckdb.DuckDBPyConnection:
    """Make the macros callable from `cursor`, defining them first (through `installer`) if this instance lacks them.

    Both cursors come from the same source and start in the database the metrics read (the warehouse). `optional`
    statements (the catalog's per-metric macros) may fail to define; a caller that finds one missing falls back to
    running the metric's own SQL.
    """
    macro_catalog = catalog_name(optional)
    database = '"' + cursor.execute("SELECT current_database()").fetchall()[0][0].replace('"', '""') + '"'
    with _INSTALLING:
        if not _installed(cursor, macro_catalog):
            # The catalog name is a hash of the macros' text, never user input; identifiers cannot be bound.
            installer.execute("ATTACH ':memory:' AS " + macro_catalog)
            installer.execute("USE " + macro_catalog)
            # Table names in the macro bodies are checked on creation, so the warehouse must be on the path.
            installer.execute("SET search_path = $path", {"path": f"{macro_catalog}.main,{database}.main"})
            try:
                for statement in MACROS:
                    installer.execute(statement)
            except duckdb.Error:
                # Leave no half-defined catalog behind for the next caller to mistake for a complete one.
                installer.execute("USE " + database)
                installer.execute("DETACH " + macro_catalog)
                raise
            for statement in optional:
                try:
                    installer.execute(statement)
                except duckdb.Error:
                    pass  # that metric's callers find no macro and run its SQL file instead
            installer.execute("USE " + database)
    cursor.execute("SET search_path = $path", {"path": f"{database}.main,{macro_catalog}.main"})
    return cursor
