-- name: opportunity
-- title: The demo company's Opportunity.csv, as a Salesforce API export writes it, from the generated
--   rows (src)
-- reads: src, sf_date, sf_id, sf_ts
-- writes:
-- parameters:
-- columns:
--   Id: the record's Salesforce id (its object's prefix and its number in creation order)
--   AccountId: the account
--   Name: its name
--   OwnerId: the owning user
--   CreatedDate: when it was created (Salesforce's timestamp layout, UTC)
--   CloseDate: the deal's close date
--   Amount: the amount
--   StageName: the deal stage
--   ForecastCategoryName: the owner's forecast category (Pipeline, Best Case, Commit, Closed, Omitted)
--   IsClosed: whether the deal is closed
--   IsWon: whether it is won
--   Type: its type
--   LeadSource: where the lead came from
--   CampaignId: the campaign
SELECT sf_id('006', no) AS Id, sf_id('001', account_no) AS AccountId, name AS Name,
       sf_id('005', owner_no) AS OwnerId, sf_ts(created) AS CreatedDate, sf_date(close_day) AS CloseDate,
       CAST(amount AS DECIMAL(14, 2)) AS Amount, stage AS StageName,
       forecast_category AS ForecastCategoryName, is_closed AS IsClosed, is_won AS IsWon,
       type AS Type, lead_source AS LeadSource, sf_id('701', campaign_no) AS CampaignId
FROM src
