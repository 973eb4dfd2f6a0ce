-- name: members_repeat
-- title: Whether a person may be in one campaign twice (the hashes of membership pairs repeat)
-- reads: sf_member_people
-- writes:
-- parameters:
-- columns:
--   repeated: true when two memberships' (campaign, person) pairs have equal hashes; false proves none repeats
SELECT count(*) > 0 AS repeated
FROM (SELECT h = lag(h) OVER (ORDER BY h) AS repeated
      FROM (SELECT hash(campaign_id, person_id) AS h FROM sf_member_people))
WHERE repeated
