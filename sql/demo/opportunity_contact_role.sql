-- name: opportunity_contact_role
-- title: The demo company's OpportunityContactRole.csv, as a Salesforce API export writes it, from the generated
--   rows (src)
-- reads: src, sf_id
-- writes:
-- parameters:
-- columns:
--   Id: the record's Salesforce id (its object's prefix and its number in creation order)
--   OpportunityId: the deal
--   ContactId: the contact
--   Role: the contact's role on the deal
--   IsPrimary: whether it is the primary contact
SELECT sf_id('00k', no) AS Id, sf_id('006', opportunity_no) AS OpportunityId,
       sf_id('003', contact_no) AS ContactId, role AS Role, is_primary AS IsPrimary
FROM src
