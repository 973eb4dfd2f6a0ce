-- name: salesforce_id
-- title: An 18-character Salesforce id whose checksum holds, as its 15-character id; any other text as it is
-- arguments: s
-- returns: scalar
-- reads:
-- columns:
-- An id from an API export then equals the same record's id in a report export. The checksum is compared before
-- the pattern: it fails on almost all other text, and costs less.
CASE WHEN strlen(s) = 18
          AND right(s, 3) = checksum_letter(s, 1) || checksum_letter(s, 6) || checksum_letter(s, 11)
          AND regexp_full_match(s, '[0-9A-Za-z]{18}')
     THEN left(s, 15) ELSE s END
