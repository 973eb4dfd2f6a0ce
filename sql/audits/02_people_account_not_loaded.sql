-- name: people_account_not_loaded
-- title: People whose account is not loaded (no accounts row has their account_id)
-- description: Their account's segment, region and target status are unknown, so they can never be sales-ready.
-- severity: warning
-- reads: people, accounts
-- import_warning: account_id
-- columns:
--   person_id: the person
--   kind: lead or contact
--   account_id: the account given, which no accounts row has
--   created_at: when the person was created
-- An empty account_id is "no account given" (people_no_account): it is left out here, since NULL NOT IN an empty
-- list is true.
SELECT person_id, kind, account_id, created_at FROM people
WHERE account_id IS NOT NULL AND account_id NOT IN (SELECT account_id FROM accounts)
