SELECT IFF("MixedCase" IS NULL, '\\N', REPLACE(REPLACE("MixedCase", '\\', '\\\\'), '|', '\\|'))
  || '|' || IFF("ID" IS NULL, '\\N', TO_VARCHAR("ID")) AS K, MD5(IFF("ID" IS NULL, '\\N', TO_VARCHAR("ID"))
  || '|' || IFF("MixedCase" IS NULL, '\\N', REPLACE(REPLACE("MixedCase", '\\', '\\\\'), '|', '\\|'))
  || '|' || IFF("AMOUNT" IS NULL, '\\N', TO_VARCHAR("AMOUNT"))) AS H
FROM "ANALYTICS"."Sales"."order ""lines"""
WHERE "MixedCase" IS NOT NULL AND "ID" IS NOT NULL AND (("MixedCase" < 'O''Brien \\ co') OR ("MixedCase" = 'O''Brien \\ co' AND "ID" <= 7))
ORDER BY "MixedCase", "ID"
