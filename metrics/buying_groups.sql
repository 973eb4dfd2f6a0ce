-- name: buying_groups
-- title: Buying groups of open deals
-- definition: Every deal open at the end of the quarter (or on the data's last day, for a quarter still running) with
--   the personas of its account's people who responded to a campaign in the engagement window before then, the
--   expected personas (decision maker, influencer, user) none of them covers, and whether only one person or no one
--   is engaged, for sales to widen the deal before it stalls.
-- unit: currency
-- owner: joint
-- funnel_role: sales
-- direction: up
-- pairs_with:
-- grain: one row per deal open at the as-of moment (created before it, not closed with a close date before it),
--   largest first
-- kind: breakdown
-- parameters: quarter_end, region, segment, engaged_window_days
-- needs: opportunities, personas, touches
-- uses:
-- measures:
-- records:
-- columns:
--   account_id: the deal's account (empty: the deal names none, so only its own people can be engaged)
--   account_name: that account's name
--   is_target_account: whether sales targets the account
--   opportunity_id: the deal
--   deal_name: its name
--   stage: its stage as the CRM wrote it
--   owner_id: the deal's owner
--   owner_name: the owner's name from users, else the owner id
--   amount: its amount (empty = 0) in the corporate currency, as counted in pipeline
--   as_of: the moment the deal is open at and the window ends: the end of the quarter, or the end of the data's latest
--     touch, deal opened or deal closed when that is earlier
--   engaged_people: distinct people at the account or on the deal (its contact roles and converted leads) with a
--     responded touch in the window, whatever their persona
--   engaged_on_deal: how many of them are on the deal
--   decision_maker: where an engaged decision maker was found: 'on the deal' (contact role or converted lead, first
--     when both), 'at the account', or empty when none
--   influencer: the same for influencers
--   user: the same for users
--   engaged_personas: the expected personas engaged, comma-separated ('' for none)
--   missing_personas: the expected personas with no one engaged, comma-separated ('' when all three are)
--   risk: 'no engaged person', 'one engaged person', or empty when two or more people are engaged
WITH as_of AS (
  SELECT least($quarter_end,
               greatest((SELECT max(touch_at) FROM touches) + INTERVAL 1 SECOND,
                        (SELECT max(created_at) FROM opportunity_facts) + INTERVAL 1 SECOND,
                        (SELECT max(closed_at) FROM opportunity_facts WHERE is_closed) + INTERVAL 1 DAY)) AS moment
),
open_deals AS (
  SELECT d.opportunity_id, d.account_id, d.owner_id, d.amount, v.moment
  FROM opportunity_facts d CROSS JOIN as_of v
  WHERE d.created_at < v.moment AND NOT (d.is_closed AND coalesce(d.closed_at < v.moment, true))
    AND in_scope(d.region, d.segment, $region, $segment)
),
candidates AS (
  SELECT d.opportunity_id, p.person_id, true AS on_deal
  FROM open_deals d JOIN person_deals p ON p.opportunity_id = d.opportunity_id
  UNION
  SELECT d.opportunity_id, p.person_id, false
  FROM open_deals d JOIN people p ON p.account_id = d.account_id
),
engaged AS (
  SELECT c.opportunity_id, c.person_id, bool_or(c.on_deal) AS on_deal,
         any_value(persona_key(p.persona)) AS persona
  FROM candidates c JOIN open_deals d ON d.opportunity_id = c.opportunity_id
  JOIN people p ON p.person_id = c.person_id
  WHERE EXISTS (SELECT 1 FROM touches t
                WHERE t.person_id = c.person_id AND t.touch_at < d.moment
                  AND t.touch_at >= d.moment - to_days(CAST($engaged_window_days AS INTEGER)))
  GROUP BY c.opportunity_id, c.person_id
),
per_deal AS (
  SELECT opportunity_id, count(*) AS engaged_people, count(*) FILTER (WHERE on_deal) AS engaged_on_deal,
         CASE WHEN bool_or(on_deal AND persona = 'decision_maker') THEN 'on the deal'
              WHEN bool_or(persona = 'decision_maker') THEN 'at the account' END AS decision_maker,
         CASE WHEN bool_or(on_deal AND persona = 'influencer') THEN 'on the deal'
              WHEN bool_or(persona = 'influencer') THEN 'at the account' END AS influencer,
         CASE WHEN bool_or(on_deal AND persona = 'user') THEN 'on the deal'
              WHEN bool_or(persona = 'user') THEN 'at the account' END AS "user"
  FROM engaged GROUP BY opportunity_id
),
final AS (
  SELECT d.account_id, a.account_name, coalesce(a.is_target_account, false) AS is_target_account,
         d.opportunity_id, o.name AS deal_name, o.stage, d.owner_id, coalesce(u.name, d.owner_id) AS owner_name,
         d.amount, d.moment AS as_of,
         coalesce(g.engaged_people, 0) AS engaged_people, coalesce(g.engaged_on_deal, 0) AS engaged_on_deal,
         g.decision_maker, g.influencer, g."user",
         concat_ws(', ', CASE WHEN g.decision_maker IS NOT NULL THEN 'decision maker' END,
                   CASE WHEN g.influencer IS NOT NULL THEN 'influencer' END,
                   CASE WHEN g."user" IS NOT NULL THEN 'user' END) AS engaged_personas,
         concat_ws(', ', CASE WHEN g.decision_maker IS NULL THEN 'decision maker' END,
                   CASE WHEN g.influencer IS NULL THEN 'influencer' END,
                   CASE WHEN g."user" IS NULL THEN 'user' END) AS missing_personas,
         CASE coalesce(g.engaged_people, 0) WHEN 0 THEN 'no engaged person' WHEN 1 THEN 'one engaged person' END
           AS risk
  FROM open_deals d
  LEFT JOIN per_deal g ON g.opportunity_id = d.opportunity_id
  LEFT JOIN opportunities o ON o.opportunity_id = d.opportunity_id
  LEFT JOIN accounts a ON a.account_id = d.account_id
  LEFT JOIN users u ON u.user_id = d.owner_id
  ORDER BY d.amount DESC, d.opportunity_id
)
SELECT * FROM final
