-- name: hs_contact_company
-- title: Each person's company from the contact-company associations, the primary one first
-- reads: stage_hs_contact_companies, hs_contact_ids
-- writes: hs_contact_company
-- parameters:
-- columns:
--   person_id: the person
--   account_id: the primary company (association type 1), else the first associated
SELECT i.person_id, first(l.to_id ORDER BY (l.type_id = '1') DESC, l._row) AS account_id
FROM stage_hs_contact_companies l JOIN hs_contact_ids i ON i.source_id = l.from_id GROUP BY 1
