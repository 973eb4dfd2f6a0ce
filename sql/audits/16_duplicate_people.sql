-- name: duplicate_people
-- title: Possible duplicate people
-- description: Several people at one account with the same title, created within the same minute.
-- severity: info
-- reads: people
-- import_warning:
-- columns:
--   account_id: their account
--   title: their title
--   created_minute: the minute they were created in
--   records: how many people
--   person_ids: their ids
SELECT account_id, title, date_trunc('minute', created_at) AS created_minute, count(*) AS records,
       string_agg(person_id, ', ' ORDER BY person_id) AS person_ids
FROM people WHERE account_id IS NOT NULL AND title IS NOT NULL
GROUP BY 1, 2, 3 HAVING count(*) > 1
