-- name: account_deals
-- title: One account's deals with their amounts as pipeline counts them, for the credit its campaigns got
-- reads: opportunity_facts, opportunities
-- writes:
-- parameters: account_id
-- columns:
--   opportunity_id: the deal
--   deal_name: its name
--   stage: its stage as the CRM wrote it
--   created_at: when it was opened
--   is_closed: whether it is closed
--   is_won: whether it was won
--   amount: its amount (empty = 0) in the corporate currency, as counted in pipeline
SELECT d.opportunity_id, o.name AS deal_name, o.stage, d.created_at, d.is_closed, d.is_won, d.amount
FROM opportunity_facts d LEFT JOIN opportunities o ON o.opportunity_id = d.opportunity_id
WHERE d.account_id = $account_id
ORDER BY d.created_at, d.opportunity_id
