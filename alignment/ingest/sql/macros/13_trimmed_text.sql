-- name: trimmed_text
-- title: Text without its leading and trailing spaces, NULL when nothing is left: NULLIF(trim(s), ''), faster
-- arguments: s
-- returns: scalar
-- reads:
-- columns:
-- Without trim's copy in the usual case: an all-ASCII value (as many bytes as characters) that neither starts nor
-- ends with a space has nothing trim removes (trim strips only space separators, and ' ' is the only ASCII one).
CASE WHEN s <> '' AND NOT (starts_with(s, ' ') OR suffix(s, ' ')) AND strlen(s) = length(s) THEN s
     ELSE NULLIF(trim(s), '') END
