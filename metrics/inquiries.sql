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
-- needs: people
-- uses:
-- measures: person_stage_dates
-- records: people inquiry
-- columns:
--   value: people created in the quarter
WITH final AS (
  -- person_stage_dates has one row per person, with inquiry_at = created_at and their account's region and segment.
  SELECT count(*) AS value FROM person_stage_dates
  WHERE inquiry_at >= $quarter_start AND inquiry_at < $quarter_end AND in_scope(region, segment, $region, $segment)
)
SELECT * FROM final
