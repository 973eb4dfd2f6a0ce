-- name: lead
-- title: The demo company's Lead.csv, as a Salesforce API export writes it, from the generated
--   rows (src)
-- reads: src, sf_date, sf_id, sf_ts
-- writes:
-- parameters:
-- columns:
--   Id: the record's Salesforce id (its object's prefix and its number in creation order)
--   FirstName: the person's first name
--   LastName: the person's last name
--   Company: the lead's company as typed
--   Title: the person's job title
--   Persona__c: the person's decision role (custom field)
--   LeadSource: where the lead came from
--   OwnerId: the owning user
--   CreatedDate: when it was created (Salesforce's timestamp layout, UTC)
--   Country: the lead's country
--   Status: its status
--   IsConverted: whether the lead was converted
--   ConvertedDate: the day it was converted
--   ConvertedContactId: the contact it became
--   ConvertedAccountId: the account it joined
--   ConvertedOpportunityId: the deal it was converted into
--   MQL_Date__c: when it became an MQL (custom field)
--   SAL_Date__c: when sales accepted it (custom field)
--   SQL_Date__c: when it became an SQL (custom field)
--   Rejected_Date__c: when sales rejected it (custom field)
--   Rejection_Reason__c: why (custom field)
--   Disqualified_Date__c: when sales disqualified it (custom field)
--   Disqualification_Reason__c: why (custom field)
SELECT sf_id('00Q', no) AS Id, first_name AS FirstName, last_name AS LastName, company AS Company,
       title AS Title, persona AS Persona__c, lead_source AS LeadSource, sf_id('005', owner_no) AS OwnerId,
       sf_ts(created) AS CreatedDate, country AS Country, status AS Status, is_converted AS IsConverted,
       sf_date(converted_day) AS ConvertedDate, sf_id('003', contact_no) AS ConvertedContactId,
       sf_id('001', account_no) AS ConvertedAccountId, sf_id('006', opportunity_no) AS ConvertedOpportunityId,
       sf_ts(mql) AS MQL_Date__c, sf_ts(sal) AS SAL_Date__c, sf_ts(sql) AS SQL_Date__c,
       sf_ts(rejected) AS Rejected_Date__c, rejection_reason AS Rejection_Reason__c,
       sf_ts(dq) AS Disqualified_Date__c, dq_reason AS Disqualification_Reason__c
FROM src
