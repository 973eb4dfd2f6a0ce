-- name: checksum_letter
-- title: The checksum letter of the five characters of a Salesforce id from `start`
-- arguments: s, start
-- returns: scalar
-- reads:
-- columns:
-- Salesforce's 18-character id is its 15-character, case-sensitive id and a checksum of three characters: for each
-- block of five characters, the letter of this alphabet at the sum of 1, 2, 4, 8 and 16 for the block's first,
-- second … fifth character that is a capital.
substr('ABCDEFGHIJKLMNOPQRSTUVWXYZ012345', 1 + capital_weight(s, start, 1) + capital_weight(s, start + 1, 2)
       + capital_weight(s, start + 2, 4) + capital_weight(s, start + 3, 8) + capital_weight(s, start + 4, 16), 1)
