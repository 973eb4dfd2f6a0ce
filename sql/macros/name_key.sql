-- name: name_key
-- title: The one normal form of the names a charter maps (lead sources, channels, personas): lower case, runs of
--   spaces, hyphens and underscores as one `_`, none at either end, empty as NULL (alignment.names.key says the same
--   in Python; tests/test_names.py holds the two to the same answers)
-- arguments: name
-- returns: scalar
-- reads:
-- columns:
nullif(trim(regexp_replace(lower(name), '[ \t\n\r\f\v_-]+', '_', 'g'), '_'), '')
