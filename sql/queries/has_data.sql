-- name: has_data
-- title: Whether anything was recorded in the quarter under the region and segment filters: a person created, a
--   stage reached, a deal created or closed, a responded touch (people and deals are scoped through their account),
--   a stage count of a period starting in it
-- reads: people, accounts, opportunities, lifecycle_events, campaign_members, stage_counts, in_scope
-- writes:
-- parameters: quarter_start, quarter_first_day, quarter_end, quarter_end_day, region, segment
-- columns:
--   has_data: something was
WITH scoped_people AS (
  SELECT p.person_id, p.created_at FROM people p LEFT JOIN accounts a ON a.account_id = p.account_id
  WHERE in_scope(a.region, a.segment, $region, $segment)
),
scoped_deals AS (
  SELECT o.created_at, o.is_closed, o.close_date FROM opportunities o
  LEFT JOIN accounts a ON a.account_id = o.account_id
  WHERE in_scope(a.region, a.segment, $region, $segment)
)
SELECT
  EXISTS (SELECT 1 FROM scoped_people WHERE created_at >= $quarter_start AND created_at < $quarter_end)
  OR EXISTS (SELECT 1 FROM lifecycle_events e JOIN scoped_people p USING (person_id)
             WHERE e.occurred_at >= $quarter_start AND e.occurred_at < $quarter_end)
  OR EXISTS (SELECT 1 FROM scoped_deals
             WHERE (created_at >= $quarter_start AND created_at < $quarter_end)
                OR (is_closed AND close_date >= $quarter_first_day
                    AND close_date < $quarter_end_day))
  OR EXISTS (SELECT 1 FROM campaign_members m JOIN scoped_people p USING (person_id)
             WHERE m.has_responded AND coalesce(m.first_responded_at, m.created_at) >= $quarter_start
               AND coalesce(m.first_responded_at, m.created_at) < $quarter_end)
  OR EXISTS (SELECT 1 FROM stage_counts
             WHERE in_scope(region, segment, $region, $segment) AND period_start >= $quarter_first_day
               AND period_start < $quarter_end_day) AS has_data
