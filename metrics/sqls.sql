-- name: sqls
-- title: SQLs
-- definition: People sales qualified as real buying prospects in the quarter (someone who skipped the stage counts at
--   the date of the next stage they reached).
-- unit: count
-- owner: sales
-- funnel_role: sales
-- direction: up
-- pairs_with:
-- grain: one row for the quarter
-- kind: headline
-- parameters: quarter_start, quarter_end, region, segment, backfill
-- needs: people, sql_dates
-- uses:
-- measures: person_stage_dates
-- records: people sql
-- columns:
--   value: people whose sql date (back-filled from the next stage reached, under the back-fill policy) is in the
--     quarter
WITH people_in_scope AS (
  SELECT * FROM person_stages($backfill) WHERE in_scope(region, segment, $region, $segment)
),
final AS (
  SELECT count(*) AS value FROM people_in_scope
  WHERE sql_at >= $quarter_start AND sql_at < $quarter_end
)
SELECT * FROM final
