-- name: user
-- title: The demo company's User.csv, as a Salesforce API export writes it, from the generated
--   rows (src)
-- reads: src, sf_id
-- writes:
-- parameters:
-- columns:
--   Id: the record's Salesforce id (its object's prefix and its number in creation order)
--   Name: its name
--   Title: the person's job title
--   Department: the user's department
--   Team__c: the user's team
--   Region__c: the region (custom field)
--   ManagerId: the user's manager
--   IsActive: whether the user is active
SELECT sf_id('005', no) AS Id, name AS Name, title AS Title, department AS Department, team AS Team__c,
       region AS Region__c, sf_id('005', manager_no) AS ManagerId, is_active AS IsActive
FROM src
