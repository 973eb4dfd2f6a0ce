-- name: ids_name_two_people
-- title: Whether a lead's or contact's id may be known twice (the hashes of person_ids' ids repeat)
-- reads: person_ids
-- writes:
-- parameters:
-- columns:
--   repeated: true when two ids have equal hashes; false proves that every id is known once
SELECT count(*) > 0 AS repeated
FROM (SELECT h = lag(h) OVER (ORDER BY h) AS repeated FROM (SELECT hash(source_id) AS h FROM person_ids))
WHERE repeated
