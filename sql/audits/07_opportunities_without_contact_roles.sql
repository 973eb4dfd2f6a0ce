-- name: opportunities_without_contact_roles
-- title: Opportunities with no contact role
-- description: Without contact roles (or a converted lead) no campaign touch can be linked: the deal counts as
--    unattributed and not marketing-influenced.
-- severity: warning
-- reads: opportunities, opportunity_contacts, people
-- import_warning:
-- columns:
--   opportunity_id: the deal
--   name: its name
--   amount: its amount
--   created_at: when it was created
SELECT o.opportunity_id, o.name, o.amount, o.created_at FROM opportunities o
WHERE o.opportunity_id NOT IN (SELECT opportunity_id FROM opportunity_contacts)
  AND o.opportunity_id NOT IN (SELECT converted_opportunity_id FROM people
                               WHERE converted_opportunity_id IS NOT NULL)
