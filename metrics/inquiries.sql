-- name: inquiries
-- title: Inquiries
-- definition: New people, leads and contacts, who entered the funnel in the quarter (a converted lead and its
--   contact count once).
-- unit: count
-- owner: marketing
-- funnel_role: demand_gen
-- direction: up
-- pairs_with: sqls
-- grain: one row for the quarter
-- kind: headline
-- parameters: quarter_start, quarter_end, region, segment
-- columns:
--   value: people created in the quarter
WITH final AS (
  SELECT count(*) AS value
  FROM people p LEFT JOIN accounts a ON a.account_id = p.account_id
  WHERE p.created_at >= $quarter_start AND p.created_at < $quarter_end
    AND in_scope(a.region, a.segment, $region, $segment)
)
SELECT * FROM final
