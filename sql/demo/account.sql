-- name: account
-- title: The demo company's Account.csv, as a Salesforce API export writes it, from the generated
--   rows (src)
-- reads: src, sf_id, sf_ts
-- writes:
-- parameters:
-- columns:
--   Id: the record's Salesforce id (its object's prefix and its number in creation order)
--   Name: its name
--   Industry: the account's industry
--   Segment__c: the account's segment
--   Region__c: the region (custom field)
--   NumberOfEmployees: its employees
--   AnnualRevenue: its annual revenue
--   Is_Target_Account__c: whether sales wants to penetrate it (custom field)
--   OwnerId: the owning user
--   CreatedDate: when it was created (Salesforce's timestamp layout, UTC)
SELECT sf_id('001', no) AS Id, name AS Name, industry AS Industry, segment AS Segment__c,
       region AS Region__c, employees AS NumberOfEmployees, revenue AS AnnualRevenue,
       is_target AS Is_Target_Account__c, sf_id('005', owner_no) AS OwnerId, sf_ts(created) AS CreatedDate
FROM src
