-- name: lead_quality
-- title: Lead quality
-- definition: The share of the quarter's MQLs that are worth sales' time: at a target account, in a decision role,
--   and showing interest (at least 2 campaign responses in the 90 days before becoming an MQL, by default).
-- unit: percent
-- owner: joint
-- funnel_role: demand_gen
-- direction: up
-- pairs_with: acceptance_rate
-- grain: one row for the quarter (the MQLs of the quarter: people whose MQL date is in it)
-- kind: headline
-- parameters: quarter_start, quarter_end, region, segment, backfill, interest_window_days, interest_touches,
--   sales_ready_personas
-- needs: people, mql_dates, target_accounts, personas, touches
-- uses:
-- measures: person_stage_dates
-- records: people mql
-- columns:
--   value: sales-ready MQLs / MQLs, as a fraction (empty when there is no MQL)
--   sales_ready_mqls: MQLs at a target account, with a decision persona and enough responded touches before mql_at
--   mqls: MQLs of the quarter
WITH mqls AS (
  SELECT * FROM period_mql_quality($backfill, $quarter_start, $quarter_end, $interest_window_days, $interest_touches,
                                   $sales_ready_personas)
  WHERE in_scope(region, segment, $region, $segment)
),
counts AS (
  SELECT count(*) FILTER (WHERE is_sales_ready) AS sales_ready_mqls, count(*) AS mqls FROM mqls
),
final AS (
  SELECT CAST(sales_ready_mqls AS DOUBLE) / nullif(mqls, 0) AS value, sales_ready_mqls, mqls FROM counts
)
SELECT * FROM final
