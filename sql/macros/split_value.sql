-- name: split_value
-- title: The value of a funnel split for a record (a person, a deal, a row of stage counts): the source category of
--   its lead source, the lead source itself in its normal form, its channel, segment or region; '(none)' when it has
--   none, '(all)' without a split
-- arguments: split_by, lead_source, channel, segment, region, source_names, source_categories
-- returns: scalar
-- reads: source_category, name_key
-- columns:
CASE split_by WHEN 'source_category' THEN source_category(lead_source, source_names, source_categories)
              WHEN 'lead_source' THEN coalesce(name_key(lead_source), '(none)')
              WHEN 'channel' THEN coalesce(channel, '(none)')
              WHEN 'segment' THEN coalesce(segment, '(none)')
              WHEN 'region' THEN coalesce(region, '(none)')
              ELSE '(all)' END
