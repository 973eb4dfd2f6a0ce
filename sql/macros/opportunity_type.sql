-- name: opportunity_type
-- title: A deal's type as the CRM writes it (Type: "New Business", "Existing Business", "Upsell", "Renewal" …) in one
--   of four words: renewal when it speaks of renewing; expansion when of existing business, expansion, an upsell,
--   a cross-sell or an add-on; new_business when of new business; other for anything else, and when empty
-- arguments: type
-- returns: scalar
-- reads:
-- columns:
CASE WHEN nullif(trim(type), '') IS NULL THEN 'other'
     WHEN regexp_matches(lower(type), 'renew') THEN 'renewal'
     WHEN regexp_matches(lower(type), 'existing|expan|up-?sell|cross-?sell|add-?on') THEN 'expansion'
     WHEN regexp_matches(lower(type), 'new') THEN 'new_business'
     ELSE 'other' END
