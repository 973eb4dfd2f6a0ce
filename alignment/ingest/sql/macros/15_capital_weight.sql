-- name: capital_weight
-- title: `weight` when the i-th character of s is a capital letter, else 0 (a Salesforce id's checksum)
-- arguments: s, i, weight
-- returns: scalar
-- reads:
-- columns:
CASE WHEN substr(s, i, 1) BETWEEN 'A' AND 'Z' THEN weight ELSE 0 END
