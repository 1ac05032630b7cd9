SELECT LEFT(LOCATE_HASH, 2) AS LOCATE_BUCKET, COUNT(*), SUM(MD5_NUMBER_UPPER64(LOCATE_ROW)), SUM(MD5_NUMBER_LOWER64(LOCATE_ROW))
FROM (SELECT MD5(LOCATE_KEY) AS LOCATE_HASH, LOCATE_KEY, LOCATE_ROW
FROM (SELECT IFF("ID" IS NULL, '\\N', TO_VARCHAR("ID")) AS LOCATE_KEY,
  IFF("ID" IS NULL, '\\N', TO_VARCHAR("ID"))
  || '|' || IFF("MixedCase" IS NULL, '\\N', REPLACE(REPLACE("MixedCase", '\\', '\\\\'), '|', '\\|'))
  || '|' || IFF("AMOUNT" IS NULL, '\\N', IFF("AMOUNT" < 0, '-', '') || TO_VARCHAR(TRUNC(ABS("AMOUNT"))::NUMBER(38,0)) || '.' || LPAD(TO_VARCHAR(((ABS("AMOUNT") - TRUNC(ABS("AMOUNT"))) * 100)::NUMBER(38,0)), 2, '0'))
  || '|' || IFF("RATIO" IS NULL, '\\N', IFF("RATIO" = 'NaN'::FLOAT, 'NaN', IFF("RATIO" = 'inf'::FLOAT, 'inf', IFF("RATIO" = '-inf'::FLOAT, '-inf', IFF("RATIO" = 0, '0', IFF("RATIO" < 0, '-', '') || TO_VARCHAR((IFF("RATIO" = 0 OR "RATIO" = 'NaN'::FLOAT OR "RATIO" = 'inf'::FLOAT OR "RATIO" = '-inf'::FLOAT, 1, ABS("RATIO")) / POWER(2, GREATEST((FLOOR(LOG(2, IFF("RATIO" = 0 OR "RATIO" = 'NaN'::FLOAT OR "RATIO" = 'inf'::FLOAT OR "RATIO" = '-inf'::FLOAT, 1, ABS("RATIO")))) - IFF(POWER(2, FLOOR(LOG(2, IFF("RATIO" = 0 OR "RATIO" = 'NaN'::FLOAT OR "RATIO" = 'inf'::FLOAT OR "RATIO" = '-inf'::FLOAT, 1, ABS("RATIO"))))) > IFF("RATIO" = 0 OR "RATIO" = 'NaN'::FLOAT OR "RATIO" = 'inf'::FLOAT OR "RATIO" = '-inf'::FLOAT, 1, ABS("RATIO")), 1, 0) + IFF(POWER(2, FLOOR(LOG(2, IFF("RATIO" = 0 OR "RATIO" = 'NaN'::FLOAT OR "RATIO" = 'inf'::FLOAT OR "RATIO" = '-inf'::FLOAT, 1, ABS("RATIO")))) + 1) <= IFF("RATIO" = 0 OR "RATIO" = 'NaN'::FLOAT OR "RATIO" = 'inf'::FLOAT OR "RATIO" = '-inf'::FLOAT, 1, ABS("RATIO")), 1, 0)) - 52, -1074)))::NUMBER(38,0)) || 'p' || TO_VARCHAR((GREATEST((FLOOR(LOG(2, IFF("RATIO" = 0 OR "RATIO" = 'NaN'::FLOAT OR "RATIO" = 'inf'::FLOAT OR "RATIO" = '-inf'::FLOAT, 1, ABS("RATIO")))) - IFF(POWER(2, FLOOR(LOG(2, IFF("RATIO" = 0 OR "RATIO" = 'NaN'::FLOAT OR "RATIO" = 'inf'::FLOAT OR "RATIO" = '-inf'::FLOAT, 1, ABS("RATIO"))))) > IFF("RATIO" = 0 OR "RATIO" = 'NaN'::FLOAT OR "RATIO" = 'inf'::FLOAT OR "RATIO" = '-inf'::FLOAT, 1, ABS("RATIO")), 1, 0) + IFF(POWER(2, FLOOR(LOG(2, IFF("RATIO" = 0 OR "RATIO" = 'NaN'::FLOAT OR "RATIO" = 'inf'::FLOAT OR "RATIO" = '-inf'::FLOAT, 1, ABS("RATIO")))) + 1) <= IFF("RATIO" = 0 OR "RATIO" = 'NaN'::FLOAT OR "RATIO" = 'inf'::FLOAT OR "RATIO" = '-inf'::FLOAT, 1, ABS("RATIO")), 1, 0)) - 52, -1074))::NUMBER(38,0)))))))
  || '|' || IFF("DAY" IS NULL, '\\N', TO_CHAR("DAY", 'YYYY-MM-DD'))
  || '|' || IFF("TS" IS NULL, '\\N', TO_CHAR("TS", 'YYYY-MM-DD HH24:MI:SS.FF6'))
  || '|' || IFF("TSTZ" IS NULL, '\\N', TO_CHAR(CONVERT_TIMEZONE('UTC', "TSTZ"), 'YYYY-MM-DD HH24:MI:SS.FF6'))
  || '|' || IFF("FLAG" IS NULL, '\\N', IFF("FLAG", 'true', 'false'))
  || '|' || IFF("BLOB" IS NULL, '\\N', HEX_ENCODE("BLOB"))
  || '|' || IFF("U" IS NULL, '\\N', REPLACE(REPLACE("U", '\\', '\\\\'), '|', '\\|'))
  || '|' || IFF("T" IS NULL, '\\N', TO_CHAR("T", 'HH24:MI:SS.FF6')) AS LOCATE_ROW
FROM "ANALYTICS"."Sales"."order ""lines"""
WHERE "ID" IS NOT NULL AND "ID" > 100 AND "ID" <= 200))
GROUP BY LOCATE_BUCKET
ORDER BY LOCATE_BUCKET
