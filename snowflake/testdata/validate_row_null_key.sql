SELECT "ID", "MixedCase", "AMOUNT", "RATIO", "DAY", "TS", "TSTZ", "FLAG", "BLOB", "U", "T" FROM "ANALYTICS"."Sales"."order ""lines""" WHERE "MixedCase" IS NULL AND "DAY" = '2024-02-29'::DATE
