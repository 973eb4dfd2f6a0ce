-- name: activities_without_person
-- title: Sales activities on a person who is not loaded
-- description: They cannot count as a follow-up of any MQL.
-- severity: info
-- reads: sales_activities, people
-- import_warning:
-- columns:
--   activity_id: the activity
--   person_id: the person named, whom no people row has
--   occurred_at: when it happened
--   type: its type
SELECT a.activity_id, a.person_id, a.occurred_at, a.type FROM sales_activities a
WHERE a.person_id NOT IN (SELECT person_id FROM people)
