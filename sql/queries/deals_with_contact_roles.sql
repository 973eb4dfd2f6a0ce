-- name: deals_with_contact_roles
-- title: The deals that have contact roles (how traceable a campaign's influence is, DESIGN §4.7)
-- reads: opportunity_contacts
-- writes:
-- parameters:
-- columns:
--   opportunity_id: a deal with at least one contact role
SELECT DISTINCT opportunity_id FROM opportunity_contacts
