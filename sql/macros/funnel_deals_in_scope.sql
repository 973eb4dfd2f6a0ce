-- name: funnel_deals_in_scope
-- title: The funnels' deals in scope (through their account), each with the value of the chosen split: by its
--   resolved source, its primary campaign's channel, or its account's segment or region
-- arguments: split_by, source_names, source_categories, wanted_region, wanted_segment
-- returns: table
-- reads: opportunity_sources, split_value, in_scope
-- columns:
--   opportunity_id: the deal
--   account_id: its account
--   region: its account's region
--   segment: its account's segment
--   owner_id: who owns it
--   created_at: when it was opened
--   closed_at: the first instant of its close date in the warehouse's time zone (UTC)
--   amount: its amount in the corporate currency, 0 when empty, at the rate of the day it counts as pipeline
--   is_closed: whether it is closed
--   is_won: whether it is won
--   lead_source: its own lead source as the CRM wrote it
--   primary_campaign_id: the primary campaign it names
--   primary_campaign_channel: that campaign's channel (empty when it names none, or one not loaded)
--   source: its resolved lead source (DESIGN §4.8: own, else its converted lead's, else its primary contact's)
--   source_from: where source came from: opportunity, converted lead or primary contact
--   latest_contact_touch_at: its linked people's latest touch at or before it was opened
--   latest_contact_touch_by_close_at: their latest touch before the end of its close date
--   latest_account_touch_at: the latest touch of anyone at its account at or before it was opened
--   latest_account_touch_by_close_at: their latest touch before the end of its close date
--   closed_amount: its amount in the corporate currency at the rate of the day it counts as closed
--   original_amount: its amount in its own currency
--   currency: that currency (empty: the corporate currency)
--   source_category: the category of source under the charter's map
--   split_value: its value of the split ('(all)' without one)
SELECT *, split_value(split_by, source, primary_campaign_channel, segment, region, source_names,
                      source_categories) AS split_value
FROM opportunity_sources(source_names, source_categories)
WHERE in_scope(region, segment, wanted_region, wanted_segment)
