-- name: mqls
-- title: MQLs
-- definition: People who became marketing-qualified leads in the quarter (someone who skipped the stage counts at the
--   date of the next stage they reached).
-- unit: count
-- owner: marketing
-- funnel_role: demand_gen
-- direction: up
-- pairs_with: sals
-- grain: one row for the quarter
-- kind: headline
-- parameters: quarter_start, quarter_end, region, segment, backfill
-- needs: people, mql_dates
-- uses:
-- measures: person_stage_dates
-- records: people mql
-- columns:
--   value: people whose mql date (back-filled from the next stage reached, under the back-fill policy) is in the
--     quarter
WITH people_in_scope AS (
  SELECT * FROM person_stages($backfill) WHERE in_scope(region, segment, $region, $segment)
),
final AS (
  SELECT count(*) AS value FROM people_in_scope
  WHERE mql_at >= $quarter_start AND mql_at < $quarter_end
)
SELECT * FROM final
