-- name: won
-- title: People reaching won
-- definition: People whose first won deal closed in the quarter.
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
-- records: people won
-- columns:
--   value: people whose won date (back-filled from the next stage reached, under the back-fill policy) is in the
--     quarter
WITH people_in_scope AS (
  SELECT * FROM person_stages($backfill) WHERE in_scope(region, segment, $region, $segment)
),
final AS (
  SELECT count(*) AS value FROM people_in_scope
  WHERE won_at >= $quarter_start AND won_at < $quarter_end
)
SELECT * FROM final
