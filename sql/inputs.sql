-- name: inputs
-- title: What the loaded data holds
-- definition: One row saying, for each kind of record a metric may need, whether the loaded data holds any of it.
-- grain: one row for the whole warehouse
-- columns:
--   people: no people (leads or contacts) were loaded
--   mql_dates: no MQL dates were recorded (counting MQLs from later stages alone would be back-filling only)
--   sal_dates: no SAL (sales-accepted) dates were recorded (acceptance from back-filled stages alone would read
--     100 %)
--   sql_dates: no SQL dates were recorded (counting SQLs from later stages alone would be back-filling only)
--   rejections: no rejection dates were recorded
--   disqualifications: no disqualification dates were recorded
--   sales_activities: no sales activities (tasks, calls, meetings) were loaded
--   opportunities: no opportunities were loaded
--   amounts: no opportunity has an amount
--   lost_deals: no lost opportunity was loaded (a win rate of won deals alone would read 100 %)
--   stage_history: no opportunity stage history was loaded, so each deal is counted at its current stage (or won or
--     lost), without the conversion and velocity between stages
--   close_date_history: no close-date history was loaded (OpportunityHistory's CloseDate, OpportunityFieldHistory's
--     CloseDate changes or HubSpot's closedate property history), so deals moving into and out of a quarter cannot be
--     told from deals that stayed
--   deal_accounts: no opportunity names its account
--   deal_people: no opportunity is linked to a person (contact roles or converted leads)
--   lead_sources: no lead source was loaded for opportunities or people
--   touches: no responded campaign memberships were loaded
--   target_accounts: no account says whether it is a target account
--   personas: no person has a persona (decision role)
--   spend: no campaign cost was loaded (actual cost, budget or spend rows)
--   impressions: no impressions were loaded (awareness numbers)
--   reach: no reach was loaded (awareness numbers)
--   site_visits: no site visits were loaded (awareness numbers)
--   stage_counts: no stage counts per period (counts without ids) were loaded
--   forecast_categories: no opportunity carries a forecast category (Pipeline, Best Case, Commit…), so there is no
--     commit to set beside the forecast
WITH final AS (
  SELECT EXISTS (SELECT 1 FROM people) AS people,
         EXISTS (SELECT 1 FROM lifecycle_events WHERE stage = 'mql') AS mql_dates,
         EXISTS (SELECT 1 FROM lifecycle_events WHERE stage = 'sal') AS sal_dates,
         EXISTS (SELECT 1 FROM lifecycle_events WHERE stage = 'sql') AS sql_dates,
         EXISTS (SELECT 1 FROM lifecycle_events WHERE stage = 'rejected') AS rejections,
         EXISTS (SELECT 1 FROM lifecycle_events WHERE stage = 'disqualified') AS disqualifications,
         EXISTS (SELECT 1 FROM sales_activities) AS sales_activities,
         EXISTS (SELECT 1 FROM opportunities) AS opportunities,
         EXISTS (SELECT 1 FROM opportunities WHERE amount IS NOT NULL) AS amounts,
         EXISTS (SELECT 1 FROM opportunities WHERE is_closed AND NOT coalesce(is_won, false)) AS lost_deals,
         EXISTS (SELECT 1 FROM opportunity_stage_history) AS stage_history,
         EXISTS (SELECT 1 FROM opportunity_changes WHERE close_date IS NOT NULL) AS close_date_history,
         EXISTS (SELECT 1 FROM opportunities WHERE account_id IS NOT NULL) AS deal_accounts,
         EXISTS (SELECT 1 FROM person_deals) AS deal_people,
         EXISTS (SELECT 1 FROM opportunity_facts WHERE nullif(trim(source), '') IS NOT NULL)
           OR EXISTS (SELECT 1 FROM people WHERE nullif(trim(lead_source), '') IS NOT NULL) AS lead_sources,
         EXISTS (SELECT 1 FROM touches) AS touches,
         EXISTS (SELECT 1 FROM accounts WHERE is_target_account IS NOT NULL) AS target_accounts,
         EXISTS (SELECT 1 FROM people WHERE persona_key(persona) IS NOT NULL) AS personas,
         EXISTS (SELECT 1 FROM campaigns WHERE actual_cost IS NOT NULL OR budgeted_cost IS NOT NULL)
           OR EXISTS (SELECT 1 FROM campaign_spend) AS spend,
         EXISTS (SELECT 1 FROM awareness_metrics WHERE replace(lower(trim(metric)), ' ', '_') = 'impressions')
           AS impressions,
         EXISTS (SELECT 1 FROM awareness_metrics WHERE replace(lower(trim(metric)), ' ', '_') = 'reach') AS reach,
         EXISTS (SELECT 1 FROM awareness_metrics WHERE replace(lower(trim(metric)), ' ', '_') = 'site_visits')
           AS site_visits,
         EXISTS (SELECT 1 FROM stage_counts) AS stage_counts,
         EXISTS (SELECT 1 FROM opportunities WHERE nullif(trim(forecast_category), '') IS NOT NULL)
           AS forecast_categories
)
SELECT * FROM final
