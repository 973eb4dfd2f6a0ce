-- name: opportunities_account_not_loaded
-- title: Opportunities whose account is not loaded (no accounts row has their account_id)
-- description: Their segment and region are unknown, so they drop out of segment and region filters.
-- severity: warning
-- reads: opportunities, accounts
-- import_warning: account_id
-- columns:
--   opportunity_id: the deal
--   name: its name
--   account_id: the account given, which no accounts row has
--   amount: its amount
-- An empty account_id is "no account given" (opportunities_no_account): it is left out here, since NULL NOT IN an
-- empty list is true.
SELECT opportunity_id, name, account_id, amount FROM opportunities
WHERE account_id IS NOT NULL AND account_id NOT IN (SELECT account_id FROM accounts)
