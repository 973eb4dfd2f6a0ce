-- name: campaign_member
-- title: The demo company's CampaignMember.csv, as a Salesforce API export writes it, from the generated
--   rows (src)
-- reads: src, sf_date, sf_id, sf_ts
-- writes:
-- parameters:
-- columns:
--   Id: the record's Salesforce id (its object's prefix and its number in creation order)
--   CampaignId: the campaign
--   LeadId: the lead
--   ContactId: the contact
--   Status: its status
--   CreatedDate: when it was created (Salesforce's timestamp layout, UTC)
--   HasResponded: whether the member responded
--   FirstRespondedDate: the day of the first response
SELECT sf_id('00v', no) AS Id, sf_id('701', campaign_no) AS CampaignId, sf_id('00Q', lead_no) AS LeadId,
       sf_id('003', contact_no) AS ContactId, status AS Status, sf_ts(created) AS CreatedDate,
       has_responded AS HasResponded, sf_date(responded_day) AS FirstRespondedDate
FROM src
