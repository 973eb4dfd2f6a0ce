-- name: hs_deal_company
-- title: Each deal's company from the deal-company associations, the primary one first
-- reads: stage_hs_deal_companies, hs_deal_ids
-- writes: hs_deal_company
-- parameters:
-- columns:
--   opportunity_id: the deal
--   account_id: the primary company (association type 5), else the first associated
SELECT i.opportunity_id, first(l.to_id ORDER BY (l.type_id = '5') DESC, l._row) AS account_id
FROM stage_hs_deal_companies l JOIN hs_deal_ids i ON i.source_id = l.from_id GROUP BY 1
