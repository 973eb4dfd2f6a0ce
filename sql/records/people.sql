-- name: people
-- title: People
-- grain: one row per person whose anchor stage (inquiry, mql, sal, sql, opportunity or won: $anchor) was reached in
--   the period, under the stage policy; earliest first
-- anchors: inquiry = people who became inquiries; mql = people who became MQLs; sal = people accepted by sales (SALs);
--   sql = people who became SQLs; opportunity = people who joined a deal; won = people whose deal was won
-- reads: person_stage_dates, accounts, users, campaigns
-- parameters: anchor, quarter_start, quarter_end, backfill, awareness_channels, interest_window_days,
--   interest_touches, sales_ready_personas
-- columns:
--   "Person": the person's id
--   "Kind": lead or contact
--   "Account": their account's name
--   "Account id": their account's id (its journey page's link)
--   "Region": their account's region
--   "Segment": their account's segment
--   "Owner": their owner's name
--   "Persona": their persona as the CRM wrote it
--   "Lead source": their lead source as the CRM wrote it
--   "First-touch campaign": the campaign of their first responded touch
--   "First-touch channel": its channel
--   "First-touch role": its funnel role (its own, else its channel's under the charter)
--   "Target account": whether their account is a target account
--   "Inquiry": when they became an inquiry (were created)
--   "MQL": when they became an MQL (back-filled under the stage policy)
--   "SAL": when sales accepted them
--   "SQL": when they became an SQL
--   "Opportunity": when they joined a deal
--   "Won": when their first deal was won
--   "Followed up": their first sales activity at or after mql_at
--   "Hours to follow-up": hours from mql_at to that activity (the SLA's measure)
--   "Interest touches": responded touches in the interest window before mql_at (MQLs of the period only)
--   "Sales-ready": target account, decision persona and enough interest (MQLs of the period only)
--   "Rejected": when sales rejected them
--   "Rejection reason": why
--   "Disqualified": when sales disqualified them
--   "Disqualification reason": why
WITH stages AS (
  SELECT *,
         CASE $anchor WHEN 'inquiry' THEN inquiry_at WHEN 'mql' THEN mql_at WHEN 'sal' THEN sal_at
                      WHEN 'sql' THEN sql_at WHEN 'opportunity' THEN opportunity_at WHEN 'won' THEN won_at END
           AS anchor_at
  FROM person_stages_followed_up($backfill)
),
quality AS (
  SELECT person_id, interest_touches, is_sales_ready
  FROM period_mql_quality($backfill, $quarter_start, $quarter_end, $interest_window_days, $interest_touches,
                          $sales_ready_personas)
),
first_touch_campaigns AS (
  -- people and campaigns are the ones in Explore's view: a person in it has their first-touch campaign in it too
  SELECT p.person_id, c.name, c.channel, c.funnel_role
  FROM person_stage_dates p JOIN campaigns c ON c.campaign_id = p.first_touch_campaign_id
),
final AS (
  SELECT s.person_id AS "Person", s.kind AS "Kind", a.account_name AS "Account", s.account_id AS "Account id",
         s.region AS "Region",
         s.segment AS "Segment", u.name AS "Owner", s.persona AS "Persona", s.lead_source AS "Lead source",
         fc.name AS "First-touch campaign", fc.channel AS "First-touch channel",
         campaign_role(fc.funnel_role, fc.channel, $awareness_channels) AS "First-touch role",
         s.is_target_account AS "Target account",
         s.inquiry_at AS "Inquiry", s.mql_at AS "MQL", s.sal_at AS "SAL", s.sql_at AS "SQL",
         s.opportunity_at AS "Opportunity", s.won_at AS "Won", s.first_follow_up_at AS "Followed up",
         hours_between(s.mql_at, s.first_follow_up_at) AS "Hours to follow-up",
         q.interest_touches AS "Interest touches", q.is_sales_ready AS "Sales-ready",
         s.rejected_at AS "Rejected", s.rejection_reason AS "Rejection reason", s.disqualified_at AS "Disqualified",
         s.disqualification_reason AS "Disqualification reason"
  FROM stages s
  LEFT JOIN quality q ON q.person_id = s.person_id
  LEFT JOIN accounts a ON a.account_id = s.account_id
  LEFT JOIN users u ON u.user_id = s.owner_id
  LEFT JOIN first_touch_campaigns fc ON fc.person_id = s.person_id
  WHERE s.anchor_at >= $quarter_start AND s.anchor_at < $quarter_end
  ORDER BY s.anchor_at, s.person_id
)
SELECT * FROM final
