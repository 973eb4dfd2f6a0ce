-- name: hs_merged_deals
-- title: Each deal id merged into a live deal, and the deal it was merged into
-- reads: stage_hs_merged_deals, hs_live_deals
-- writes: hs_merged_deals
-- parameters:
-- columns:
--   source_id: the merged deal's id
--   opportunity_id: the deal it was merged into (the first, when several list it)
SELECT merged_id AS source_id, min(opportunity_id) AS opportunity_id FROM stage_hs_merged_deals
WHERE merged_id <> opportunity_id AND opportunity_id IN (SELECT opportunity_id FROM hs_live_deals)
GROUP BY merged_id
