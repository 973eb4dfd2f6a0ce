-- name: persona_key
-- title: A person's persona as the charter's sales-ready personas are matched against it: its normal form (DESIGN
--   §4.8)
-- arguments: persona
-- returns: scalar
-- reads: name_key
-- columns:
name_key(persona)
