SELECT COUNT(*), COALESCE(SUM(MD5_NUMBER_UPPER64(R)), 0), COALESCE(SUM(MD5_NUMBER_LOWER64(R)), 0)
FROM (SELECT IFF("ID" IS NULL, '\\N', TO_VARCHAR("ID"))
  || '|' || IFF("MixedCase" IS NULL, '\\N', REPLACE(REPLACE("MixedCase", '\\', '\\\\'), '|', '\\|')) AS R
FROM "ANALYTICS"."Sales"."order ""lines"""
WHERE ("ID" IS NULL))
