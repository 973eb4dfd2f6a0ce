-- name: deal_people
-- title: Every (deal, person) link under the charter's linking (DESIGN §4.4): a deal's contact roles and the leads
--   converted into it (person_deals), or with by_account everyone at its account (a deal without an account then
--   links no one)
-- arguments: by_account
-- returns: table
-- reads: person_deals, opportunities, people
-- columns:
--   opportunity_id: the deal
--   person_id: a person linked to it
SELECT opportunity_id, person_id FROM person_deals WHERE NOT by_account
UNION ALL
SELECT o.opportunity_id, p.person_id FROM opportunities o JOIN people p ON p.account_id = o.account_id
WHERE by_account
