-- name: sf_ts
-- title: A moment (seconds since 1970, UTC) in the timestamp layout of Salesforce's API exports
-- arguments: seconds
-- returns: scalar
-- reads:
-- columns:
strftime(make_timestamp(seconds * 1000000), '%Y-%m-%dT%H:%M:%S.000+0000')
