-- name: sales_ready_mqls
-- title: Sales-ready MQLs
-- definition: The quarter's MQLs that are at a target account, in a decision role, and showing interest (at least
--   2 campaign responses in the 90 days before becoming an MQL, by default).
-- unit: count
-- owner: joint
-- funnel_role: demand_gen
-- direction: up
-- pairs_with: sals
-- grain: one row for the quarter (the MQLs of the quarter: people whose MQL date is in it)
-- kind: headline
-- parameters: quarter_start, quarter_end, region, segment, backfill, interest_window_days, interest_touches,
--   sales_ready_personas
-- needs: people, mql_dates, target_accounts, personas, touches
-- uses:
-- measures: person_stage_dates
-- records: people mql; sales-ready; "Sales-ready"
-- columns:
--   value: MQLs at a target account, with a decision persona and enough responded touches before mql_at
WITH mqls AS (
  SELECT * FROM period_mql_quality($backfill, $quarter_start, $quarter_end, $interest_window_days, $interest_touches,
                                   $sales_ready_personas)
  WHERE in_scope(region, segment, $region, $segment)
),
final AS (
  SELECT count(*) FILTER (WHERE is_sales_ready) AS value FROM mqls
)
SELECT * FROM final
