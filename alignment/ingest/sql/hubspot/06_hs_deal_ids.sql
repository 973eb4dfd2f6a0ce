-- name: hs_deal_ids
-- title: Every deal id, and the deal it is read as (a merged deal is the one it was merged into)
-- reads: hs_live_deals, hs_merged_deals
-- writes: hs_deal_ids
-- parameters:
-- columns:
--   source_id: a deal id as the exports write it
--   opportunity_id: the deal it is read as
SELECT opportunity_id AS source_id, opportunity_id FROM hs_live_deals
WHERE opportunity_id NOT IN (SELECT source_id FROM hs_merged_deals)
UNION ALL SELECT source_id, opportunity_id FROM hs_merged_deals
