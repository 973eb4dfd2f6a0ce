-- name: person_stage_dates
-- title: Each person's waterfall (DESIGN §4.1, §4.8): the date each stage was recorded, the dates back-filled from
--   the next stage reached (the whole chain, won included), the first sales activity at or after each of the two
--   possible MQL dates (§4.2) and their touches (§4.4); the stage policy picks a column at query time
--   (person_stages_followed_up), the charter's channel roles decide the first touch's role, and the interest test
--   (§4.5, window from the charter) is a lookup in the touch times
-- grain: one row per person (a converted lead and its contact are one)
-- reads: lifecycle_events, person_deals, opportunities, people, accounts, persona_key, sales_activities, touches,
--   _calendar, local_midnight
-- columns:
--   person_id: the person
--   kind: lead or contact
--   account_id: their account (an unconverted lead has none)
--   region: their account's region
--   segment: their account's segment
--   is_target_account: whether their account is a target account (false without an account)
--   owner_id: who owns them
--   persona: their persona in its normal form (persona_key)
--   lead_source: their lead source as the CRM wrote it
--   inquiry_at: when they were created (the inquiry stage)
--   mql_recorded_at: their first recorded MQL date
--   sal_recorded_at: their first recorded SAL date
--   sql_recorded_at: their first recorded SQL date
--   opportunity_recorded_at: the creation of the earliest deal linked to them (person_deals)
--   won_recorded_at: the close date of the earliest won deal linked to them (its first instant in the warehouse's
--     time zone)
--   rejected_at: their first rejection
--   rejection_reason: its reason
--   disqualified_at: their first disqualification
--   disqualification_reason: its reason
--   mql_backfilled_at: the MQL date, else the next stage's reached
--   sal_backfilled_at: the SAL date, else the next stage's reached
--   sql_backfilled_at: the SQL date, else the next stage's reached
--   opportunity_backfilled_at: the opportunity date, else the won date
--   followed_up_recorded_at: the first sales activity at or after mql_recorded_at
--   followed_up_backfilled_at: the first sales activity at or after mql_backfilled_at
--   first_touch_campaign_id: the campaign of their first responded touch (ties by campaign id)
--   responded_touch_times: the moments of all their responded touches
WITH lifecycle AS (
  SELECT person_id,
         min(occurred_at) FILTER (WHERE stage = 'mql') AS mql_recorded_at,
         min(occurred_at) FILTER (WHERE stage = 'sal') AS sal_recorded_at,
         min(occurred_at) FILTER (WHERE stage = 'sql') AS sql_recorded_at,
         min(occurred_at) FILTER (WHERE stage = 'rejected') AS rejected_at,
         arg_min(reason, occurred_at) FILTER (WHERE stage = 'rejected') AS rejection_reason,
         min(occurred_at) FILTER (WHERE stage = 'disqualified') AS disqualified_at,
         arg_min(reason, occurred_at) FILTER (WHERE stage = 'disqualified') AS disqualification_reason
  FROM lifecycle_events GROUP BY person_id),
deal_dates AS (
  SELECT d.person_id, min(o.created_at) AS opportunity_recorded_at,
         min(local_midnight(o.close_date, (SELECT time_zone FROM _calendar))) FILTER (WHERE o.is_won) AS won_recorded_at
  FROM person_deals d JOIN opportunities o USING (opportunity_id) GROUP BY d.person_id),
recorded AS (
  SELECT p.person_id, p.kind, p.account_id, a.region, a.segment,
         coalesce(a.is_target_account, false) AS is_target_account, p.owner_id,
         persona_key(p.persona) AS persona,
         p.lead_source, p.created_at AS inquiry_at,
         l.mql_recorded_at, l.sal_recorded_at, l.sql_recorded_at,
         d.opportunity_recorded_at, d.won_recorded_at,
         l.rejected_at, l.rejection_reason, l.disqualified_at, l.disqualification_reason
  FROM people p
  LEFT JOIN accounts a ON a.account_id = p.account_id
  LEFT JOIN lifecycle l ON l.person_id = p.person_id
  LEFT JOIN deal_dates d ON d.person_id = p.person_id),
backfilled AS (
  SELECT *,
         coalesce(mql_recorded_at, sal_recorded_at, sql_recorded_at, opportunity_recorded_at,
                  won_recorded_at) AS mql_backfilled_at,
         coalesce(sal_recorded_at, sql_recorded_at, opportunity_recorded_at, won_recorded_at) AS sal_backfilled_at,
         coalesce(sql_recorded_at, opportunity_recorded_at, won_recorded_at) AS sql_backfilled_at,
         coalesce(opportunity_recorded_at, won_recorded_at) AS opportunity_backfilled_at
  FROM recorded),
follow_up_recorded AS (
  SELECT b.person_id, min(a.occurred_at) AS followed_up_recorded_at
  FROM backfilled b JOIN sales_activities a ON a.person_id = b.person_id AND a.occurred_at >= b.mql_recorded_at
  GROUP BY b.person_id),
follow_up_backfilled AS (
  SELECT b.person_id, min(a.occurred_at) AS followed_up_backfilled_at
  FROM backfilled b JOIN sales_activities a ON a.person_id = b.person_id AND a.occurred_at >= b.mql_backfilled_at
  GROUP BY b.person_id),
person_touches AS (
  SELECT person_id, arg_min(campaign_id, (touch_at, campaign_id)) AS first_touch_campaign_id,
         list(touch_at) AS responded_touch_times
  FROM touches WHERE touch_at IS NOT NULL GROUP BY person_id)
SELECT b.*, fr.followed_up_recorded_at, fb.followed_up_backfilled_at,
       t.first_touch_campaign_id, t.responded_touch_times
FROM backfilled b
LEFT JOIN follow_up_recorded fr ON fr.person_id = b.person_id
LEFT JOIN follow_up_backfilled fb ON fb.person_id = b.person_id
LEFT JOIN person_touches t ON t.person_id = b.person_id
ORDER BY b.mql_backfilled_at
