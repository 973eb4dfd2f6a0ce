-- name: deals
-- title: Every deal with its amount (empty = 0), close moment and its account's region and segment (filters reach a
--   deal through its account); precomputed at import (opportunity_facts)
-- arguments:
-- returns: table
-- reads: opportunity_facts
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
--   closed_amount: its amount in the corporate currency, 0 when empty, at the rate of the day it counts as closed
SELECT opportunity_id, account_id, region, segment, owner_id, created_at, closed_at, amount, is_closed, is_won,
       lead_source, primary_campaign_id, closed_amount
FROM opportunity_facts
