-- name: eligible_touches
-- title: Every eligible touch of the deals attribution credits (DESIGN §4.4): a linked person's responded touch
--   inside the deal's window (created_at − lookback to created_at, or to the end of its close date on the bookings
--   basis); with primary-campaign credit (§12), a deal with none that names its primary campaign has that campaign
--   as its one touch, at its creation, by no person. The deals it lists are the influenced ones
-- arguments: is_bookings, by_account, primary_credit, q_start, q_end, lookback_hours
-- returns: table
-- reads: attribution_deals, deal_people, touches, campaigns
-- columns:
--   opportunity_id: the deal
--   campaign_id: the campaign touched
--   person_id: who touched it (empty for a primary-campaign touch)
--   touch_at: when
--   channel: the campaign's channel
--   created_at: when the deal was opened
--   basis_at: the moment its window ends (attribution_deals)
--   amount: its amount, 0 when empty
--   deal_order: its place in opportunity_id order
WITH deals AS (
  SELECT * FROM attribution_deals(is_bookings, q_start, q_end)),
linked_touches AS (
  SELECT d.opportunity_id, t.campaign_id, t.person_id, t.touch_at, t.channel, d.created_at, d.basis_at, d.amount,
         d.deal_order
  FROM deals d
  JOIN deal_people(by_account) l ON l.opportunity_id = d.opportunity_id
  JOIN touches t ON t.person_id = l.person_id
  WHERE t.touch_at >= d.created_at - to_hours(CAST(lookback_hours AS BIGINT))
    AND CASE WHEN is_bookings THEN t.touch_at < d.basis_at ELSE t.touch_at <= d.created_at END)
SELECT * FROM linked_touches
UNION ALL
SELECT d.opportunity_id, d.primary_campaign_id, CAST(NULL AS VARCHAR), d.created_at, c.channel, d.created_at,
       d.basis_at, d.amount, d.deal_order
FROM deals d JOIN campaigns c ON c.campaign_id = d.primary_campaign_id
WHERE primary_credit AND d.opportunity_id NOT IN (SELECT opportunity_id FROM linked_touches)
