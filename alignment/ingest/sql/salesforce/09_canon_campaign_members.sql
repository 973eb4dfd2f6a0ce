-- name: canon_campaign_members
-- title: Campaign members: the canonical file's rows, then one per person and campaign of CampaignMember
-- reads: stage_campaign_members, sf_member_people
-- writes: canon_campaign_members
-- parameters:
-- columns:
--   _file: the file the row came from
--   _row: its spreadsheet row
--   campaign_id: the campaign
--   person_id: the person
--   status: the member status
--   created_at: when the person was added to the campaign
--   has_responded: whether the person responded
--   first_responded_at: when the person first responded
SELECT * FROM stage_campaign_members
UNION ALL BY NAME
SELECT * FROM sf_member_people
