-- name: opportunity_history
-- title: The demo company's OpportunityHistory.csv, as a Salesforce API export writes it, from the generated
--   rows (src)
-- reads: src, sf_date, sf_id, sf_ts
-- writes:
-- parameters:
-- columns:
--   Id: the record's Salesforce id (its object's prefix and its number in creation order)
--   OpportunityId: the deal
--   StageName: the deal stage
--   Amount: the amount
--   CreatedDate: when it was created (Salesforce's timestamp layout, UTC)
--   CloseDate: the deal's close date then
SELECT sf_id('008', no) AS Id, sf_id('006', opportunity_no) AS OpportunityId, stage AS StageName,
       CAST(amount AS DECIMAL(14, 2)) AS Amount, sf_ts(created) AS CreatedDate, sf_date(close_day) AS CloseDate
FROM src
