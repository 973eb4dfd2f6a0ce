-- name: sals
-- title: SALs
-- definition: People sales accepted as leads worth working in the quarter (someone who skipped the stage counts at
--   the date of the next stage they reached).
-- unit: count
-- owner: sales
-- funnel_role: sales
-- direction: up
-- pairs_with:
-- grain: one row for the quarter
-- kind: headline
-- parameters: quarter_start, quarter_end, region, segment, backfill
-- needs: people, sal_dates
-- uses:
-- measures: person_stage_dates
-- records: people sal
-- columns:
--   value: people whose sal date (back-filled from the next stage reached, under the back-fill policy) is in the
--     quarter
WITH people_in_scope AS (
  SELECT * FROM person_stages($backfill) WHERE in_scope(region, segment, $region, $segment)
),
final AS (
  SELECT count(*) AS value FROM people_in_scope
  WHERE sal_at >= $quarter_start AND sal_at < $quarter_end
)
SELECT * FROM final
