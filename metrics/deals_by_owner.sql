-- name: deals_by_owner
-- title: Deals by owner
-- definition: Every deal opened or won in the quarter with its owner, its value and where it came from, so each rep
--   can see what marketing brought into their own pipeline.
-- unit: currency
-- owner: sales
-- funnel_role: sales
-- direction: up
-- pairs_with:
-- grain: one row per opportunity created in the quarter or won with its close date in the quarter
-- kind: breakdown
-- parameters: quarter_start, quarter_end, region, segment, source_names, source_categories
-- needs:
-- uses:
-- measures:
-- records:
-- columns:
--   opportunity_id: the deal
--   name: its name
--   account_id: its account
--   account_name: that account's name
--   owner_id: the deal's owner ('(none)' without one)
--   owner_name: the owner's name from users, else the owner id
--   owner_region: the owner's region from users ('(none)' without one)
--   amount: the deal's amount (empty = 0) in the corporate currency, at the rate it counts as pipeline
--   is_created_in_quarter: created in the quarter (counts in pipeline)
--   is_won_in_quarter: won with its close date in the quarter (counts in bookings)
--   source_category: marketing, sales, partner or other (the deal's source after the fallback)
--   closed_amount: the deal's amount (empty = 0) in the corporate currency, at the rate it counts as closed (bookings)
WITH sourced AS (
  SELECT * FROM opportunity_sources($source_names, $source_categories)
  WHERE in_scope(region, segment, $region, $segment)
),
in_quarter AS (
  SELECT *, created_at >= $quarter_start AND created_at < $quarter_end AS is_created_in_quarter,
         is_won AND closed_at >= $quarter_start AND closed_at < $quarter_end AS is_won_in_quarter
  FROM sourced
),
final AS (
  SELECT d.opportunity_id, o.name, d.account_id, a.account_name, coalesce(d.owner_id, '(none)') AS owner_id,
         coalesce(u.name, d.owner_id, '(none)') AS owner_name, coalesce(u.region, '(none)') AS owner_region,
         d.amount, d.is_created_in_quarter, coalesce(d.is_won_in_quarter, false) AS is_won_in_quarter,
         d.source_category, d.closed_amount
  FROM in_quarter d
  JOIN opportunities o ON o.opportunity_id = d.opportunity_id
  LEFT JOIN accounts a ON a.account_id = d.account_id
  LEFT JOIN users u ON u.user_id = d.owner_id
  WHERE d.is_created_in_quarter OR coalesce(d.is_won_in_quarter, false)
  ORDER BY d.amount DESC, d.opportunity_id
)
SELECT * FROM final
