-- name: sf_id
-- title: A Salesforce-style id: the object's three-character prefix and the record's number, zero-padded to 15
--   characters (empty without a number)
-- arguments: prefix, number
-- returns: scalar
-- reads:
-- columns:
prefix || lpad(CAST(number AS VARCHAR), 12, '0')
