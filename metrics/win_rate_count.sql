-- name: win_rate_count
-- title: Win rate (deals)
-- definition: Of the deals closed in the quarter, the share that were won, counting deals.
-- unit: percent
-- owner: sales
-- funnel_role: sales
-- direction: up
-- pairs_with:
-- grain: one row for the quarter
-- kind: headline
-- parameters: quarter_start, quarter_end, region, segment
-- needs: opportunities, lost_deals
-- uses:
-- measures: opportunity_facts
-- records: deals closed
-- columns:
--   value: won / (won + lost) among closed opportunities with close_date in the quarter, as a fraction
--   won_deals: closed and won opportunities closing in the quarter
--   lost_deals: closed and not won opportunities closing in the quarter
WITH closed AS (
  SELECT * FROM deals()
  WHERE is_closed AND closed_at >= $quarter_start AND closed_at < $quarter_end
    AND in_scope(region, segment, $region, $segment)
),
outcomes AS (
  SELECT count(*) FILTER (WHERE is_won) AS won_deals, count(*) FILTER (WHERE NOT is_won) AS lost_deals FROM closed
),
final AS (
  SELECT CAST(won_deals AS DOUBLE) / nullif(won_deals + lost_deals, 0) AS value, won_deals, lost_deals
  FROM outcomes
)
SELECT * FROM final
