-- name: attribution_units
-- title: Every model's credit per unit of the deals attribution credits (DESIGN §4.4): a unit is one touch (by_touch)
--   or all of a deal's touches from one campaign (a campaign has one channel); a deal with no eligible touch is one
--   row with no campaign, credited whole (by campaign only). Read through attribution_shares, attribution_touches
--   and attribution_campaigns
-- arguments: by_touch, is_bookings, by_account, primary_credit, q_start, q_end, lookback_hours, half_life_days,
--   has_decay, has_markov, wanted_models, markov_channels, markov_effects
-- returns: table
-- reads: attribution_deals, eligible_touches, deal_people, person_stage_dates, campaigns
-- columns:
--   model: the model (one of wanted_models)
--   opportunity_id: the deal
--   campaign_id: the campaign credited (empty: the deal's unattributed row)
--   person_id: the unit's person (by touch only)
--   touch_at: the unit's moment (by touch only)
--   channel: the campaign's channel
--   position: the touch's place in the deal's touch order (by touch only)
--   touch_count: the deal's eligible touches
--   is_ft: the unit holds the first touch
--   is_mt: it holds the lead-to-MQL touch
--   is_ot: it holds the opportunity touch
--   is_ct: it holds the closed-won touch (bookings basis)
--   share: its share of the deal (a deal's shares sum to 1)
--   credited_amount: share × the deal's amount
--   model_order: the model's place in name order
--   deal_order: the deal's place in opportunity_id order
--   unit_order: the unit's place in the deal: its touch position, or its campaign's place in campaign_id order (0 for
--     the unattributed row)
WITH deals AS (
  SELECT * FROM attribution_deals(is_bookings, q_start, q_end)),
eligible AS (
  SELECT * FROM eligible_touches(is_bookings, by_account, primary_credit, q_start, q_end, lookback_hours)),
campaign_orders AS (
  -- a campaign's place in campaign_id order (so ordering by it orders by the id). Deals and campaigns travel through
  -- the query as these numbers (a deal's is deal_order), their ids joined back only to the units: grouped, joined and
  -- compared as integers rather than as the ids' text (at L, grouping the units on the id's text with ordered sums
  -- took 0.86 s of CPU, on integers with plain sums 0.30 s). Touches are made from campaigns, so every touch's
  -- campaign is there.
  SELECT campaign_id, row_number() OVER (ORDER BY campaign_id) AS campaign_order FROM campaigns),
first_mql AS (
  -- MT's moment: the earliest recorded (not back-filled) mql among all the deal's linked people
  SELECT d.deal_order, min(s.mql_recorded_at) AS mql_at
  FROM deals d
  JOIN deal_people(by_account) l ON l.opportunity_id = d.opportunity_id
  JOIN person_stage_dates s ON s.person_id = l.person_id
  GROUP BY d.deal_order),
ordered AS MATERIALIZED (
  -- the touches in §4.4 order, computed once for every model asked for; age_days counts to the basis moment
  SELECT e.deal_order, c.campaign_order, e.person_id, e.touch_at, e.channel, e.amount,
         row_number() OVER (PARTITION BY e.deal_order ORDER BY e.touch_at, c.campaign_order, e.person_id)
           AS position,
         e.touch_at <= e.created_at AS is_before_created,
         (epoch(e.basis_at) - epoch(e.touch_at)) / 86400.0 AS age_days
  FROM eligible e JOIN campaign_orders c ON c.campaign_id = e.campaign_id),
milestones AS MATERIALIZED (
  -- one row per deal with touches: where each milestone sits (NULL = undefined). Per-deal figures are grouped and
  -- joined back rather than taken with window aggregates, which DuckDB computes far slower over many small deals.
  SELECT o.deal_order, count(*) AS touch_count, any_value(o.amount) AS amount,
         max(o.position) FILTER (WHERE o.touch_at <= m.mql_at) AS mt_position,
         max(o.position) FILTER (WHERE o.is_before_created) AS ot_position,
         -- CT: the last touch before the end of close_date, i.e. the window's last touch; bookings only
         CASE WHEN is_bookings THEN max(o.position) END AS ct_position,
         min(o.age_days) AS newest_age_days
  FROM ordered o LEFT JOIN first_mql m ON m.deal_order = o.deal_order
  GROUP BY o.deal_order),
flagged AS NOT MATERIALIZED (
  -- one row per touch: the milestones it holds, as flags and as bits of `mask` (1 FT, 2 MT, 4 OT, 8 CT, 16 last),
  -- and its time_decay weight relative to the deal's newest touch (the same shares after rescaling, without
  -- underflow to 0/0 for old touches and short half-lives)
  SELECT o.deal_order, o.campaign_order, o.person_id, o.touch_at, o.channel, o.position, f.*,
         -- the mask moved to its lowest milestone's 5-bit slot: a deal's milestone touches get distinct slots, so the
         -- sum of `slotted` over any of its touches keeps each one's mask apart (see `weighted` below)
         (f.is_ft::INT + 2 * f.is_mt::INT + 4 * f.is_ot::INT + 8 * f.is_ct::INT + 16 * f.is_last::INT)
           << (CASE WHEN f.is_ft THEN 0 WHEN f.is_mt THEN 5 WHEN f.is_ot THEN 10 WHEN f.is_ct THEN 15 ELSE 20 END)
           AS slotted,
         pow(2.0, -(o.age_days - ms.newest_age_days) / half_life_days) AS decay
  FROM ordered o
  JOIN milestones ms ON ms.deal_order = o.deal_order,
  LATERAL (SELECT o.position = 1 AS is_ft,
                  coalesce(o.position = ms.mt_position, false) AS is_mt,
                  coalesce(o.position = ms.ot_position, false) AS is_ot,
                  coalesce(o.position = ms.ct_position, false) AS is_ct,
                  o.position = ms.touch_count AS is_last) f),
-- A unit carries how many touches it has (n), how many hold each milestone, the masks of its milestone-holding
-- touches (`slotted`, summed) and its summed decay weight; every model's raw weight is a sum over touches, so a
-- unit's share is the sum of its touches' shares. The models multiply the units, not the touches, and a deal's total
-- raw weight is closed-form per (deal, model): the weights of its defined milestones, the spread weight when some
-- touch holds none of them, the decay weight, the removal effects of its channels.
grouped_units AS (
  SELECT deal_order, campaign_order, any_value(channel) AS channel,
         count(*) AS n, sum(is_ft::INT) AS n_ft, sum(is_mt::INT) AS n_mt, sum(is_ot::INT) AS n_ot,
         sum(is_ct::INT) AS n_ct, sum(is_last::INT) AS n_last, sum(slotted)::BIGINT AS slotted,
         sum(decay) AS decay_sum,
         -- by touch, each unit is one touch: what it is (by campaign these are NULL and cost nothing)
         any_value(CASE WHEN by_touch THEN person_id END) AS person_id,
         any_value(CASE WHEN by_touch THEN touch_at END) AS touch_at,
         any_value(CASE WHEN by_touch THEN position END) AS position
  FROM flagged GROUP BY deal_order, campaign_order, CASE WHEN by_touch THEN position END),
long_units AS (
  -- decay_sum must come out the same on every run, and doubles added in another order may round otherwise. A sum of
  -- one or two terms is the same in any order (0 + a is a, a + b is b + a), so grouped_units' plain sum is exact for
  -- those, and only the units of three touches or more (309 of the 0.91 M at L; none by touch) are summed again in
  -- position order, rather than ordering every unit's sum
  SELECT f.deal_order, f.campaign_order, sum(f.decay ORDER BY f.position) AS decay_sum
  FROM flagged f
  JOIN (SELECT deal_order, campaign_order FROM grouped_units WHERE n >= 3) g
    ON g.deal_order = f.deal_order AND g.campaign_order = f.campaign_order
  GROUP BY f.deal_order, f.campaign_order),
units AS MATERIALIZED (
  -- the deal's and the campaign's ids joined back here, to the units rather than to every model's rows
  SELECT d.opportunity_id, c.campaign_id, u.deal_order, u.campaign_order, u.channel, u.n, u.n_ft, u.n_mt, u.n_ot,
         u.n_ct, u.n_last, u.slotted, coalesce(l.decay_sum, u.decay_sum) AS decay_sum, u.person_id, u.touch_at,
         u.position
  FROM grouped_units u
  JOIN deals d ON d.deal_order = u.deal_order
  JOIN campaign_orders c ON c.campaign_order = u.campaign_order
  LEFT JOIN long_units l ON l.deal_order = u.deal_order AND l.campaign_order = u.campaign_order),
deal_units AS (
  -- per deal: its touches' `slotted` summed (each of its milestone touches keeps its own slot) and, for time_decay,
  -- its decay total: the units' decay sums added in campaign and position order, the same sum on every run
  SELECT deal_order, sum(slotted)::BIGINT AS slotted,
         sum(decay_sum ORDER BY campaign_order, position) FILTER (WHERE has_decay) AS decay_total
  FROM units GROUP BY deal_order),
channel_counts AS (
  -- data_driven only: a channel's share is split evenly over the deal's touches of that channel
  SELECT deal_order, channel, sum(n) AS channel_count,
         coalesce(any_value(markov_effects[list_position(markov_channels, channel)]), 0) AS channel_effect
  FROM units WHERE has_markov GROUP BY deal_order, channel),
deal_markov AS (
  SELECT deal_order, sum(channel_effect ORDER BY channel) AS markov_total FROM channel_counts GROUP BY deal_order),
unit_channels AS (
  SELECT u.*, cc.channel_count, cc.channel_effect
  FROM units u
  LEFT JOIN channel_counts cc ON cc.deal_order = u.deal_order AND cc.channel IS NOT DISTINCT FROM u.channel),
models AS (
  -- the models asked for, as rows of weights, with the milestones each rewards as bits (as in `mask`)
  SELECT w.model, row_number() OVER (ORDER BY w.model) AS model_order,
         w.ft AS w_ft, w.mt AS w_mt, w.ot AS w_ot, w.ct AS w_ct, w.last AS w_last, w.spread AS w_spread,
         w.decay AS w_decay, w.markov AS w_markov,
         (w.ft > 0)::INT + 2 * (w.mt > 0)::INT + 4 * (w.ot > 0)::INT + 8 * (w.ct > 0)::INT + 16 * (w.last > 0)::INT
           AS model_mask
  FROM unnest(wanted_models) AS model_weights(w)),
deal_spread AS (
  -- per deal and model: the touches holding none of the model's milestones (a touch may hold several), i.e. all but
  -- the milestone touches whose mask, read from its slot of the deal's `slotted`, shares a bit with the model's: the
  -- count of the distinct positions of its defined milestones the model rewards, taken with bit operations (as in
  -- `weighted`) rather than a list per deal and model, which cost as much as the units' grouping
  SELECT ms.*, du.decay_total, m.*,
         ms.touch_count - ((du.slotted & m.model_mask) <> 0)::INT - (((du.slotted >> 5) & m.model_mask) <> 0)::INT
                        - (((du.slotted >> 10) & m.model_mask) <> 0)::INT
                        - (((du.slotted >> 15) & m.model_mask) <> 0)::INT
                        - (((du.slotted >> 20) & m.model_mask) <> 0)::INT AS spread_count
  FROM milestones ms JOIN deal_units du ON du.deal_order = ms.deal_order CROSS JOIN models m),
deal_models AS (
  -- ... and the deal's sum of raw weights: undefined milestones and an empty spread add nothing
  SELECT s.*,
         s.w_ft + s.w_last + s.w_mt * (s.mt_position IS NOT NULL)::INT + s.w_ot * (s.ot_position IS NOT NULL)::INT
         + s.w_ct * (s.ct_position IS NOT NULL)::INT + CASE WHEN s.spread_count > 0 THEN s.w_spread ELSE 0 END
         + s.w_decay + s.w_markov * coalesce(dm.markov_total, 0) AS total_weight
  FROM deal_spread s LEFT JOIN deal_markov dm ON dm.deal_order = s.deal_order),
weighted AS (
  -- the small per-deal tables are joined to the units before the models multiply them (see unit_channels), so
  -- the hash tables are built on the small side; on the deal's number, not its id's text, since DuckDB's estimates
  -- do not always put the per-deal side on the build side and integers hash and compare faster either way
  SELECT u.*, d.model, d.model_order, d.touch_count, d.amount, d.total_weight,
         d.w_ft * u.n_ft + d.w_mt * u.n_mt + d.w_ot * u.n_ot + d.w_ct * u.n_ct + d.w_last * u.n_last
         + CASE WHEN d.spread_count > 0
                -- the unit's touches holding none of the model's milestones: n less those whose mask, read from
                -- its slot of `slotted`, shares a bit with the model's
                THEN d.w_spread * (u.n - ((u.slotted & d.model_mask) <> 0)::INT
                                       - (((u.slotted >> 5) & d.model_mask) <> 0)::INT
                                       - (((u.slotted >> 10) & d.model_mask) <> 0)::INT
                                       - (((u.slotted >> 15) & d.model_mask) <> 0)::INT
                                       - (((u.slotted >> 20) & d.model_mask) <> 0)::INT) / d.spread_count
                ELSE 0 END
         + CASE WHEN d.w_decay > 0 THEN d.w_decay * u.decay_sum / d.decay_total ELSE 0 END
         + CASE WHEN d.w_markov > 0 THEN d.w_markov * u.channel_effect * u.n / u.channel_count ELSE 0 END
           AS raw_weight
  FROM unit_channels u
  JOIN deal_models d ON d.deal_order = u.deal_order),
shares AS (
  SELECT *,
         -- every weight 0 (data_driven with no effect on the deal's channels): equal shares
         CASE WHEN total_weight > 0 THEN raw_weight / total_weight ELSE n / touch_count END AS share
  FROM weighted)
-- by touch: every touch, zero shares included; by campaign: the units with a share
SELECT model, opportunity_id, campaign_id, person_id, touch_at, channel, position, touch_count,
       n_ft > 0 AS is_ft, n_mt > 0 AS is_mt, n_ot > 0 AS is_ot, n_ct > 0 AS is_ct, share,
       share * amount AS credited_amount, model_order, deal_order,
       CASE WHEN by_touch THEN position ELSE campaign_order END AS unit_order
FROM shares WHERE by_touch OR share > 0
UNION ALL
-- (unattributed): a deal with no eligible touch, credited whole
SELECT m.model, d.opportunity_id, NULL, NULL, NULL, NULL, NULL, 0, false, false, false, false, 1.0, d.amount,
       m.model_order, d.deal_order, 0
FROM deals d ANTI JOIN milestones ms ON ms.deal_order = d.deal_order, models m
WHERE NOT by_touch
