-- name: snake_text
-- title: Text in lower case, each run of spaces and hyphens an underscore ("Decision Maker" is decision_maker)
-- arguments: s
-- returns: scalar
-- reads:
-- columns:
regexp_replace(lower(trim(s)), '[\s\-]+', '_', 'g')
