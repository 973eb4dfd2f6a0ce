-- name: account_engagement
-- title: Account engagement score
-- definition: For each account whose people responded to our campaigns in the engagement window up to the quarter's
--   end, a score adding up every such touch weighted by who responded (the persona's weight) and where (the
--   channel's weight) and halved for every half-life of days the touch is older than the quarter's end.
-- unit: ratio
-- owner: joint
-- funnel_role: demand_gen
-- direction: up
-- pairs_with: pipeline
-- grain: one row per account with a responded touch in the engagement window (the charter's days up to the quarter's
--   end), highest score first
-- kind: breakdown
-- parameters: quarter_end, region, segment, engaged_touches, engaged_window_days, engagement_half_life_days,
--   persona_names, persona_weights, channel_names, channel_weights
-- needs:
-- uses:
-- measures:
-- records:
-- columns:
--   account_id: the account
--   account_name: its name
--   is_target_account: whether sales targets it (empty when the export gives no target flag)
--   region: its region
--   segment: its segment
--   owner_id: the account's owner
--   owner_name: that owner's name from users, else the owner id ('(none)' without an owner)
--   score: the sum over its people's responded touches in the window of persona weight × channel weight ×
--     0.5 ^ (days from the touch to the quarter's end ÷ half-life); a person without a persona weighs as 'other',
--     a persona or channel without a weight in the charter weighs 1
--   responded_touches: its people's responded touches in the window
--   people_engaged: distinct people behind them
--   is_engaged: at least the charter's number of responded touches in the window
--   top_persona: the weightiest persona among the people who responded (decision_maker before influencer, user,
--     other)
--   last_touch_at: the latest of those touches
--   has_open_deal: whether a deal of the account was open at the quarter's end (opened before it, not closed before
--     it)
WITH recent AS (
  -- each touch's account and persona are stored with it (touches): no join to people per touch
  SELECT t.account_id, t.person_id, t.touch_at, t.persona AS raw_persona, t.channel AS raw_channel,
         date_diff('second', t.touch_at, $quarter_end) / 86400.0 AS age_days
  FROM touches t
  WHERE t.account_id IS NOT NULL AND t.touch_at < $quarter_end
    AND t.touch_at >= $quarter_end - to_days($engaged_window_days)
),
-- Names are put in their normal form once per distinct persona and channel, not once per touch.
personas AS (
  SELECT raw_persona, persona,
         coalesce(list_extract($persona_weights, list_position($persona_names, persona)), 1.0) AS persona_weight
  FROM (SELECT raw_persona, coalesce(persona_key(raw_persona), 'other') AS persona
        FROM (SELECT DISTINCT raw_persona FROM recent))
),
channels AS (
  SELECT raw_channel,
         coalesce(list_extract($channel_weights, list_position($channel_names, name_key(raw_channel))), 1.0)
           AS channel_weight
  FROM (SELECT DISTINCT raw_channel FROM recent)
),
weighted AS (
  SELECT r.account_id, r.person_id, r.touch_at, r.age_days, p.persona, p.persona_weight, c.channel_weight
  FROM recent r JOIN personas p ON p.raw_persona IS NOT DISTINCT FROM r.raw_persona
  JOIN channels c ON c.raw_channel IS NOT DISTINCT FROM r.raw_channel
),
per_account AS (
  SELECT account_id,
         sum(persona_weight * channel_weight * pow(0.5, age_days / $engagement_half_life_days)) AS score,
         count(*) AS responded_touches, count(DISTINCT person_id) AS people_engaged,
         arg_max(persona, (persona_weight, persona)) AS top_persona, max(touch_at) AS last_touch_at
  FROM weighted GROUP BY account_id
),
open_deals AS (
  SELECT DISTINCT account_id FROM deals()
  WHERE account_id IS NOT NULL AND created_at < $quarter_end AND (NOT is_closed OR closed_at >= $quarter_end)
),
final AS (
  SELECT e.account_id, a.account_name, a.is_target_account, a.region, a.segment, a.owner_id,
         coalesce(u.name, a.owner_id, '(none)') AS owner_name, e.score, e.responded_touches, e.people_engaged,
         e.responded_touches >= $engaged_touches AS is_engaged, e.top_persona, e.last_touch_at,
         o.account_id IS NOT NULL AS has_open_deal
  FROM per_account e LEFT JOIN accounts a ON a.account_id = e.account_id
  LEFT JOIN users u ON u.user_id = a.owner_id
  LEFT JOIN open_deals o ON o.account_id = e.account_id
  WHERE in_scope(a.region, a.segment, $region, $segment)
  -- ranked on the score to 9 decimals: summed in parallel, a score may differ in its last bits from one run to the
  -- next, which must not swap two accounts of equal score
  ORDER BY round(e.score, 9) DESC, e.last_touch_at DESC, e.account_id
)
SELECT * FROM final
