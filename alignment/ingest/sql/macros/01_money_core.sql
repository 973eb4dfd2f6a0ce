-- name: money_core
-- title: Money text in capitals without its currency codes, symbols, spaces and apostrophes
-- arguments: s
-- returns: scalar
-- reads:
-- columns:
-- Currency codes and symbols written before or after an amount (USD 1,200; 1.200 €; R$ 100.000,00), and the
-- separators spreadsheets put between thousands: an apostrophe, and the no-break and thin spaces (U+00A0, U+2009,
-- U+202F).
regexp_replace(upper(trim(s)),
               '(R\$|USD|EUR|GBP|CHF|JPY|CNY|CAD|AUD|NZD|BRL|MXN|INR|SEK|NOK|DKK|PLN|CZK|HUF|ZAR|SGD|HKD|[$€£¥₹\s''\x{00A0}\x{2009}\x{202F}])',
               '', 'g')
