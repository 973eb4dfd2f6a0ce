-- name: engaged_people
-- title: Most engaged people
-- definition: The people who responded to our campaigns most often in the quarter, most recent first among equals,
--   for sales to act on.
-- unit: count
-- owner: joint
-- funnel_role: demand_gen
-- direction: up
-- pairs_with: pipeline
-- grain: one row per person with a responded touch in the quarter, the 100 most engaged
-- kind: breakdown
-- parameters: quarter_start, quarter_end, region, segment, time_zone
-- needs:
-- uses:
-- measures:
-- records:
-- columns:
--   person_id: the person
--   title: their job title
--   persona: decision_maker, influencer, user or other (normalised)
--   account_id: their account
--   account_name: its name
--   owner_id: the person's owner
--   owner_name: that owner's name from users, else the owner id (so sales can see who calls)
--   responded_touches: their responded campaign memberships dated in the quarter
--   last_touch_at: the latest of those touches
--   days_since_last_touch: days from that touch to the end of the quarter
WITH quarter_touches AS (
  SELECT * FROM touches WHERE touch_at >= $quarter_start AND touch_at < $quarter_end
),
final AS (
  SELECT p.person_id, any_value(p.title) AS title, any_value(persona_key(p.persona)) AS persona,
         any_value(p.account_id) AS account_id, any_value(a.account_name) AS account_name,
         any_value(p.owner_id) AS owner_id, any_value(coalesce(u.name, p.owner_id)) AS owner_name,
         count(*) AS responded_touches, max(q.touch_at) AS last_touch_at,
         days_between(max(q.touch_at), $quarter_end, $time_zone) AS days_since_last_touch
  FROM quarter_touches q JOIN people p ON p.person_id = q.person_id
  LEFT JOIN accounts a ON a.account_id = p.account_id
  LEFT JOIN users u ON u.user_id = p.owner_id
  WHERE in_scope(a.region, a.segment, $region, $segment)
  GROUP BY p.person_id
  ORDER BY responded_touches DESC, last_touch_at DESC, p.person_id
  LIMIT 100
)
SELECT * FROM final
