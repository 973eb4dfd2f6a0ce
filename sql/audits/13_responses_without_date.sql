-- name: responses_without_date
-- title: Responses with no response date
-- description: The touch is dated when the person was added to the campaign instead, which may move it out of an
--    attribution window.
-- severity: info
-- reads: campaign_members
-- import_warning:
-- columns:
--   campaign_id: the campaign
--   person_id: the person who responded
--   created_at: when the person was added to the campaign, which dates the touch instead
SELECT campaign_id, person_id, created_at FROM campaign_members
WHERE has_responded AND first_responded_at IS NULL
