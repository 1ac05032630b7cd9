DELETE FROM "ANALYTICS"."Sales"."order ""lines""" WHERE "ID" IS NOT NULL AND "ID" > 10 AND "ID" <= 20
  AND (IFF("ID" IS NULL, '\\N', TO_VARCHAR("ID"))
  || '|' || IFF("V" IS NULL, '\\N', REPLACE(REPLACE("V", '\\', '\\\\'), '|', '\\|'))) IN ('12|a\\|b', '15|\\N')
