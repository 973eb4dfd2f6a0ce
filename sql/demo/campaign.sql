-- name: campaign
-- title: The demo company's Campaign.csv, as a Salesforce API export writes it, from the generated
--   rows (src)
-- reads: src, sf_date, sf_id
-- writes:
-- parameters:
-- columns:
--   Id: the record's Salesforce id (its object's prefix and its number in creation order)
--   Name: its name
--   Type: its type
--   Channel__c: the campaign's channel (custom field)
--   Description: the campaign's content
--   Targeting__c: whom the campaign targets (custom field)
--   Objective__c: the campaign's objective (custom field)
--   Status: its status
--   StartDate: the campaign's first day
--   EndDate: the campaign's last day
--   BudgetedCost: its budget
--   ActualCost: what it cost
--   ParentId: the program it belongs to
--   OwnerId: the owning user
--   Sales_Sponsor__c: the campaign's sales sponsor (custom field)
--   Region__c: the region (custom field)
SELECT sf_id('701', no) AS Id, name AS Name, type AS Type, channel AS Channel__c,
       description AS Description, targeting AS Targeting__c, objective AS Objective__c, status AS Status,
       sf_date(first_day) AS StartDate, sf_date(last_day) AS EndDate,
       CAST(budget AS DECIMAL(14, 2)) AS BudgetedCost, CAST(actual AS DECIMAL(14, 2)) AS ActualCost,
       sf_id('701', parent_no) AS ParentId, sf_id('005', owner_no) AS OwnerId,
       sf_id('005', sponsor_no) AS Sales_Sponsor__c, region AS Region__c
FROM src
