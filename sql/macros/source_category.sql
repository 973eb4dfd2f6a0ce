-- name: source_category
-- title: A lead source's category under the charter's map (DESIGN §4.3, §4.8): sources match by their normal form
--   (source_names are keys already, in the order of source_categories); an empty or unknown source is 'other'
-- arguments: source, source_names, source_categories
-- returns: scalar
-- reads: name_key
-- columns:
coalesce(source_categories[list_position(source_names, name_key(source))], 'other')
