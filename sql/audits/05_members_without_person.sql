-- name: members_without_person
-- title: Campaign members pointing at a person who is not loaded
-- description: Their touches cannot be linked to any opportunity.
-- severity: warning
-- reads: campaign_members, people
-- import_warning:
-- columns:
--   campaign_id: the campaign
--   person_id: the person named, whom no people row has
--   has_responded: whether the member responded
SELECT m.campaign_id, m.person_id, m.has_responded FROM campaign_members m
WHERE m.person_id NOT IN (SELECT person_id FROM people)
