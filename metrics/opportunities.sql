-- name: opportunities
-- title: People reaching opportunity
-- definition: People who first became part of a deal (as its converted lead or a contact on it) in the quarter.
-- unit: count
-- owner: sales
-- funnel_role: sales
-- direction: up
-- pairs_with:
-- grain: one row for the quarter
-- kind: headline
-- parameters: quarter_start, quarter_end, region, segment, backfill
-- needs: people, opportunities, deal_people
-- uses:
-- measures: person_stage_dates
-- records: people opportunity
-- columns:
--   value: people whose opportunity date (back-filled from the next stage reached, under the back-fill policy) is in
--     the quarter
WITH people_in_scope AS (
  SELECT * FROM person_stages($backfill) WHERE in_scope(region, segment, $region, $segment)
),
final AS (
  SELECT count(*) AS value FROM people_in_scope
  WHERE opportunity_at >= $quarter_start AND opportunity_at < $quarter_end
)
SELECT * FROM final
