-- name: person_stages_followed_up
-- title: One row per person with the date each waterfall stage was reached under the stage policy (DESIGN §4.1,
--   §4.8), the first follow-up and the responded-touch times; the recorded and back-filled dates are precomputed at
--   import (person_stage_dates), this picks a column
-- arguments: use_backfill
-- returns: table
-- reads: person_stage_dates
-- columns:
--   person_id: the person (a converted lead and its contact are one)
--   kind: lead or contact
--   account_id: their account (an unconverted lead has none)
--   region: their account's region
--   segment: their account's segment
--   is_target_account: whether their account is a target account (false without an account)
--   owner_id: who owns them
--   persona: their persona in its normal form
--   lead_source: their lead source as the CRM wrote it
--   inquiry_at: when they were created (the inquiry stage)
--   mql_recorded_at: their first recorded MQL date
--   sal_recorded_at: their first recorded SAL date
--   sql_recorded_at: their first recorded SQL date
--   opportunity_recorded_at: when the earliest deal linked to them was created
--   won_recorded_at: the close date of the earliest won deal linked to them
--   rejected_at: their first rejection
--   rejection_reason: its reason
--   disqualified_at: their first disqualification
--   disqualification_reason: its reason
--   mql_at: the MQL date under the stage policy (back-filled or recorded)
--   sal_at: the SAL date under the stage policy
--   sql_at: the SQL date under the stage policy
--   opportunity_at: the opportunity date under the stage policy
--   won_at: the won date (never back-filled: it is the last stage)
--   first_follow_up_at: the first sales activity at or after mql_at
--   responded_touch_times: the moments of all their responded touches
SELECT person_id, kind, account_id, region, segment, is_target_account, owner_id, persona, lead_source,
       inquiry_at, mql_recorded_at, sal_recorded_at, sql_recorded_at, opportunity_recorded_at,
       won_recorded_at, rejected_at, rejection_reason, disqualified_at, disqualification_reason,
       CASE WHEN use_backfill THEN mql_backfilled_at ELSE mql_recorded_at END AS mql_at,
       CASE WHEN use_backfill THEN sal_backfilled_at ELSE sal_recorded_at END AS sal_at,
       CASE WHEN use_backfill THEN sql_backfilled_at ELSE sql_recorded_at END AS sql_at,
       CASE WHEN use_backfill THEN opportunity_backfilled_at ELSE opportunity_recorded_at END AS opportunity_at,
       won_recorded_at AS won_at,
       CASE WHEN use_backfill THEN followed_up_backfilled_at ELSE followed_up_recorded_at END AS first_follow_up_at,
       responded_touch_times
FROM person_stage_dates
