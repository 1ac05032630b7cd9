SELECT IFF("MixedCase" IS NULL, '\\N', REPLACE(REPLACE("MixedCase", '\\', '\\\\'), '|', '\\|'))
  || '|' || IFF("ID" IS NULL, '\\N', TO_VARCHAR("ID")) AS K, MD5(IFF("ID" IS NULL, '\\N', TO_VARCHAR("ID"))
  || '|' || IFF("MixedCase" IS NULL, '\\N', REPLACE(REPLACE("MixedCase", '\\', '\\\\'), '|', '\\|'))
  || '|' || IFF("AMOUNT" IS NULL, '\\N', IFF("AMOUNT" < 0, '-', '') || TO_VARCHAR(TRUNC(ABS("AMOUNT"))::NUMBER(38,0)) || '.' || LPAD(TO_VARCHAR(((ABS("AMOUNT") - TRUNC(ABS("AMOUNT"))) * 100)::NUMBER(38,0)), 2, '0'))) AS H
FROM "ANALYTICS"."Sales"."order ""lines"""
WHERE "MixedCase" IS NOT NULL AND "ID" IS NOT NULL AND (("MixedCase" < 'O''Brien \\ co') OR ("MixedCase" = 'O''Brien \\ co' AND "ID" <= 7))
ORDER BY "MixedCase", "ID"
