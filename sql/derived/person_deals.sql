-- name: person_deals
-- title: Who is on which deal: the one person↔deal link every stage date, source, touch window and attribution reads
-- grain: one row per (person, deal) link: the deal the person's lead was converted into, and each contact role
--   (a person listed twice on a deal, or both converted into it and on its roles, is one link)
-- reads: people, opportunity_contacts
-- columns:
--   person_id: the person (a converted lead and its contact are one)
--   opportunity_id: a deal they are linked to
SELECT person_id, converted_opportunity_id AS opportunity_id FROM people WHERE converted_opportunity_id IS NOT NULL
UNION
SELECT person_id, opportunity_id FROM opportunity_contacts
