-- name: engaged_target_accounts
-- title: Engaged target accounts without an open deal
-- definition: The target accounts engaged up to the quarter's end that have no open deal, highest engagement score
--   first, for sales to call.
-- unit: ratio
-- owner: joint
-- funnel_role: demand_gen
-- direction: up
-- pairs_with: pipeline
-- grain: one row per engaged target account with no deal open at the quarter's end, highest score first (the latest
--   touch first among equals)
-- kind: breakdown
-- parameters: quarter_end, region, segment, engaged_touches, engaged_window_days, engagement_half_life_days,
--   persona_names, persona_weights, channel_names, channel_weights
-- needs:
-- uses: account_engagement
-- measures:
-- records:
-- columns:
--   account_id: the account
--   account_name: its name
--   region: its region
--   segment: its segment
--   owner_id: the account's owner
--   owner_name: that owner's name from users, else the owner id ('(none)' without an owner)
--   score: its engagement score (account_engagement)
--   responded_touches: its people's responded touches in the engagement window
--   people_engaged: distinct people behind them
--   top_persona: the weightiest persona among them
--   last_touch_at: the latest of those touches
WITH engaged AS (
  SELECT * FROM metric_account_engagement($quarter_end, $region, $segment, $engaged_touches, $engaged_window_days,
                                          $engagement_half_life_days, $persona_names, $persona_weights,
                                          $channel_names, $channel_weights)
  WHERE is_target_account AND is_engaged AND NOT has_open_deal
),
final AS (
  SELECT account_id, account_name, region, segment, owner_id, owner_name, score, responded_touches, people_engaged,
         top_persona, last_touch_at
  FROM engaged ORDER BY round(score, 9) DESC, last_touch_at DESC, account_id  -- as account_engagement ranks
)
SELECT * FROM final
