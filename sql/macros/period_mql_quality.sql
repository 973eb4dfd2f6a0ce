-- name: period_mql_quality
-- title: The MQLs of a period with the three sales-ready tests: target account, decision role, interest (DESIGN
--   §4.5, §4.8)
-- arguments: use_backfill, q_start, q_end, window_days, min_touches, ready_personas
-- returns: table
-- reads: person_stages_followed_up, touches_between
-- columns:
--   person_id: the person
--   kind: lead or contact
--   account_id: their account
--   region: their account's region
--   segment: their account's segment
--   is_target_account: whether their account is a target account (test 1)
--   owner_id: who owns them
--   persona: their persona in its normal form (test 2 looks it up in ready_personas)
--   lead_source: their lead source as the CRM wrote it
--   inquiry_at: when they were created
--   mql_recorded_at: their first recorded MQL date
--   sal_recorded_at: their first recorded SAL date
--   sql_recorded_at: their first recorded SQL date
--   opportunity_recorded_at: when the earliest deal linked to them was created
--   won_recorded_at: the close date of the earliest won deal linked to them
--   rejected_at: their first rejection
--   rejection_reason: its reason
--   disqualified_at: their first disqualification
--   disqualification_reason: its reason
--   mql_at: the MQL date under the stage policy, in [q_start, q_end)
--   sal_at: the SAL date under the stage policy
--   sql_at: the SQL date under the stage policy
--   opportunity_at: the opportunity date under the stage policy
--   won_at: the won date
--   interest_touches: their responded touches in the window_days before mql_at, mql_at included
--   is_sales_ready: all three tests hold (the third: at least min_touches interest touches)
WITH mqls AS (
  SELECT *, mql_at - to_days(CAST(window_days AS INTEGER)) AS interest_from_at
  FROM person_stages_followed_up(use_backfill) WHERE mql_at >= q_start AND mql_at < q_end)
SELECT * EXCLUDE (first_follow_up_at, responded_touch_times, interest_from_at),
       touches_between(responded_touch_times, interest_from_at, mql_at) AS interest_touches,
       -- Touches are counted again, but only for the MQLs that pass the two cheap tests: a CASE evaluates its branch
       -- on the rows that reach it, and the count is most of the cost.
       CASE WHEN is_target_account AND coalesce(list_contains(ready_personas, persona), false)
            THEN touches_between(responded_touch_times, interest_from_at, mql_at) >= min_touches
            ELSE false END AS is_sales_ready
FROM mqls
