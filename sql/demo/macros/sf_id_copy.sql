-- name: sf_id_copy
-- title: A Salesforce-style id moved into copy `copy` of the company (0-9): the first digit after the object's
--   three-character prefix, always 0 in one company's ids, becomes the copy's number (empty stays empty)
-- arguments: id, copy
-- returns: scalar
-- reads:
-- columns:
substr(id, 1, 3) || CAST(copy AS VARCHAR) || substr(id, 5)
