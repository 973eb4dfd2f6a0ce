-- name: funnel_people
-- title: The waterfall's people in scope, each with the value of the chosen split: by their own lead source, the
--   channel of their first touch (ties by campaign), or their account's segment or region
-- arguments: use_backfill, split_by, source_names, source_categories, wanted_region, wanted_segment
-- returns: table
-- reads: touches, person_stages, split_value, in_scope
-- columns:
--   person_id: the person
--   kind: lead or contact
--   account_id: their account
--   region: their account's region
--   segment: their account's segment
--   is_target_account: whether their account is a target account
--   owner_id: who owns them
--   persona: their persona in its normal form
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
--   mql_at: the MQL date under the stage policy
--   sal_at: the SAL date under the stage policy
--   sql_at: the SQL date under the stage policy
--   opportunity_at: the opportunity date under the stage policy
--   won_at: the won date
--   split_value: their value of the split ('(all)' without one)
WITH first_touch AS (
  SELECT person_id, arg_min(channel, (touch_at, campaign_id)) AS channel
  FROM touches WHERE touch_at IS NOT NULL GROUP BY person_id
)
SELECT ps.*, split_value(split_by, ps.lead_source, ft.channel, ps.segment, ps.region, source_names,
                         source_categories) AS split_value
FROM person_stages(use_backfill) ps LEFT JOIN first_touch ft ON ft.person_id = ps.person_id
WHERE in_scope(ps.region, ps.segment, wanted_region, wanted_segment)
