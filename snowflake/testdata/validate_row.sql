SELECT "ID", "MixedCase", "AMOUNT", "RATIO", "DAY", "TS", "TSTZ", "FLAG", "BLOB", "U", "T" FROM "ANALYTICS"."Sales"."order ""lines""" WHERE "ID" = 7 AND "MixedCase" = 'it''s a |bar\\'
