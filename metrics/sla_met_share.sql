-- name: sla_met_share
-- title: Follow-up within SLA
-- definition: The share of the quarter's MQLs that sales first contacted within the agreed number of hours (24 by
--   default), counting never-contacted MQLs as misses.
-- unit: percent
-- owner: sales
-- funnel_role: sales
-- direction: up
-- pairs_with:
-- grain: one row for the quarter (the MQLs of the quarter: people whose MQL date is in it)
-- kind: headline
-- parameters: quarter_start, quarter_end, region, segment, backfill, sla_hours
-- needs: people, mql_dates, sales_activities
-- uses:
-- measures: person_stage_dates
-- records: people mql
-- columns:
--   value: MQLs followed up within sla_hours (inclusive) / all MQLs of the quarter, as a fraction
--   within_sla: MQLs followed up within sla_hours
--   mqls: all MQLs of the quarter
WITH follow_ups AS (
  SELECT * FROM mql_follow_ups($backfill, $quarter_start, $quarter_end)
  WHERE in_scope(region, segment, $region, $segment)
),
counts AS (
  SELECT count(*) FILTER (WHERE hours_to_follow_up <= $sla_hours) AS within_sla, count(*) AS mqls FROM follow_ups
),
final AS (
  SELECT CAST(within_sla AS DOUBLE) / nullif(mqls, 0) AS value, within_sla, mqls FROM counts
)
SELECT * FROM final
