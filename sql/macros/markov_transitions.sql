-- name: markov_transitions
-- title: data_driven's paths, counted (DESIGN §4.4): each person's touches in touch order, turned into channels, cut
--   at their earliest linked deal's creation (converting) or ending in null; the transitions between states over all
--   paths, with (start), (conversion) and (null) as the states outside the channels
-- arguments: by_account
-- returns: table
-- reads: deal_people, opportunities, touches
-- columns:
--   from_state: a channel, or (start)
--   to_state: a channel, (conversion) or (null)
--   transitions: how many steps of all paths go from from_state to to_state
WITH converted AS (
  -- a person reaches an opportunity at their earliest linked deal's creation
  SELECT l.person_id, min(o.created_at) AS converted_at
  FROM deal_people(by_account) l JOIN opportunities o ON o.opportunity_id = l.opportunity_id GROUP BY l.person_id),
steps AS (
  SELECT t.person_id, t.channel, c.converted_at IS NOT NULL AS is_converted,
         row_number() OVER path_order AS step,
         lag(t.channel) OVER path_order AS previous_channel,
         count(*) OVER (PARTITION BY t.person_id) AS steps
  FROM touches t LEFT JOIN converted c ON c.person_id = t.person_id
  WHERE t.touch_at IS NOT NULL AND (c.converted_at IS NULL OR t.touch_at <= c.converted_at)
  WINDOW path_order AS (PARTITION BY t.person_id ORDER BY t.touch_at, t.campaign_id)),
transitions AS (
  SELECT coalesce(previous_channel, '(start)') AS from_state, channel AS to_state FROM steps
  UNION ALL
  SELECT channel, CASE WHEN is_converted THEN '(conversion)' ELSE '(null)' END FROM steps WHERE step = steps)
SELECT from_state, to_state, count(*) AS transitions FROM transitions GROUP BY ALL ORDER BY ALL
