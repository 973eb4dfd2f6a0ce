-- name: account_timeline
-- title: One account's journey as one ordered list: its people's responded touches, the lifecycle stages they
--   reached, and the stages its deals entered (with each deal's opening); ties in time are broken by kind (touch,
--   then person stage, then a deal's opening, then a deal's stage), then by the person or deal id, then by the
--   campaign's name or the stage, then by the campaign id
-- reads: people, touches, campaigns, lifecycle_events, opportunities, opportunity_stage_history
-- writes:
-- parameters: account_id
-- columns:
--   occurred_at: when it happened (UTC)
--   kind: touch, person stage or deal stage
--   what: the campaign's name (a touch), the stage reached (a person) or entered (a deal)
--   channel: the campaign's channel (touches only)
--   campaign_id: the campaign (touches only)
--   person_id: the person (touches and person stages)
--   persona: their persona as the CRM wrote it
--   opportunity_id: the deal (deal stages only)
--   deal_name: its name
--   kind_order: the place in the tie-break (0 touch, 1 person stage, 2 deal opened, 3 deal stage entered)
WITH account_people AS (
  SELECT person_id, persona FROM people WHERE account_id = $account_id
),
account_deals AS (
  SELECT opportunity_id, name, created_at FROM opportunities WHERE account_id = $account_id
),
events AS (
  SELECT t.touch_at AS occurred_at, 'touch' AS kind, c.name AS what, t.channel, t.campaign_id, p.person_id, p.persona,
         CAST(NULL AS VARCHAR) AS opportunity_id, CAST(NULL AS VARCHAR) AS deal_name, 0 AS kind_order
  FROM touches t JOIN account_people p ON p.person_id = t.person_id
  LEFT JOIN campaigns c ON c.campaign_id = t.campaign_id
  WHERE t.touch_at IS NOT NULL
  UNION ALL
  SELECT e.occurred_at, 'person stage', e.stage, NULL, NULL, p.person_id, p.persona, NULL, NULL, 1
  FROM lifecycle_events e JOIN account_people p ON p.person_id = e.person_id
  UNION ALL
  SELECT h.entered_at, 'deal stage', h.stage, NULL, NULL, NULL, NULL, d.opportunity_id, d.name, 3
  FROM opportunity_stage_history h JOIN account_deals d ON d.opportunity_id = h.opportunity_id
  UNION ALL
  SELECT d.created_at, 'deal stage', 'opened', NULL, NULL, NULL, NULL, d.opportunity_id, d.name, 2
  FROM account_deals d
)
SELECT * FROM events
ORDER BY occurred_at, kind_order, coalesce(person_id, opportunity_id), what, campaign_id
