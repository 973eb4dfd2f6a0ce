-- name: hs_owner_keys
-- title: What an export may write for an owner (its id, name or email address, any case), and the owner's id
-- reads: hs_users
-- writes: hs_owner_keys
-- parameters:
-- columns:
--   key: an owner's id, name or email address in lower case
--   user_id: the owner it names (the first by id, when several share it)
-- UI exports name owners; an owners file turns names and emails back into owner ids.
SELECT key, min(user_id) AS user_id FROM (
  SELECT lower(user_id) AS key, user_id FROM hs_users
  UNION ALL SELECT lower(name), user_id FROM hs_users WHERE name IS NOT NULL
  UNION ALL SELECT lower(email), user_id FROM hs_users WHERE email IS NOT NULL)
GROUP BY key
