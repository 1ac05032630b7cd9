SELECT COUNT(*), COALESCE(SUM(MD5_NUMBER_UPPER64(R)), 0), COALESCE(SUM(MD5_NUMBER_LOWER64(R)), 0)
FROM (SELECT CONCAT(NVL(TO_VARCHAR("ID"), '\\N'),
  '|', NVL(REPLACE(REPLACE("MixedCase", '\\', '\\\\'), '|', '\\|'), '\\N'),
  '|', NVL(IFF("AMOUNT" < 0, '-', '') || TO_VARCHAR(TRUNC(ABS("AMOUNT"))::NUMBER(38,0)) || '.' || LPAD(TO_VARCHAR(((ABS("AMOUNT") - TRUNC(ABS("AMOUNT"))) * 100)::NUMBER(38,0)), 2, '0'), '\\N'),
  '|', NVL(IFF("RATIO" = 'NaN'::FLOAT, 'NaN', IFF("RATIO" = 'inf'::FLOAT, 'inf', IFF("RATIO" = '-inf'::FLOAT, '-inf', IFF("RATIO" = 0, '0', IFF("RATIO" < 0, '-', '') || TO_VARCHAR((IFF("RATIO" = 0 OR "RATIO" = 'NaN'::FLOAT OR "RATIO" = 'inf'::FLOAT OR "RATIO" = '-inf'::FLOAT, 1, ABS("RATIO")) / POWER(2, GREATEST((FLOOR(LOG(2, IFF("RATIO" = 0 OR "RATIO" = 'NaN'::FLOAT OR "RATIO" = 'inf'::FLOAT OR "RATIO" = '-inf'::FLOAT, 1, ABS("RATIO")))) - IFF(POWER(2, FLOOR(LOG(2, IFF("RATIO" = 0 OR "RATIO" = 'NaN'::FLOAT OR "RATIO" = 'inf'::FLOAT OR "RATIO" = '-inf'::FLOAT, 1, ABS("RATIO"))))) > IFF("RATIO" = 0 OR "RATIO" = 'NaN'::FLOAT OR "RATIO" = 'inf'::FLOAT OR "RATIO" = '-inf'::FLOAT, 1, ABS("RATIO")), 1, 0) + IFF(POWER(2, FLOOR(LOG(2, IFF("RATIO" = 0 OR "RATIO" = 'NaN'::FLOAT OR "RATIO" = 'inf'::FLOAT OR "RATIO" = '-inf'::FLOAT, 1, ABS("RATIO")))) + 1) <= IFF("RATIO" = 0 OR "RATIO" = 'NaN'::FLOAT OR "RATIO" = 'inf'::FLOAT OR "RATIO" = '-inf'::FLOAT, 1, ABS("RATIO")), 1, 0)) - 52, -1074)))::NUMBER(38,0)) || 'p' || TO_VARCHAR((GREATEST((FLOOR(LOG(2, IFF("RATIO" = 0 OR "RATIO" = 'NaN'::FLOAT OR "RATIO" = 'inf'::FLOAT OR "RATIO" = '-inf'::FLOAT, 1, ABS("RATIO")))) - IFF(POWER(2, FLOOR(LOG(2, IFF("RATIO" = 0 OR "RATIO" = 'NaN'::FLOAT OR "RATIO" = 'inf'::FLOAT OR "RATIO" = '-inf'::FLOAT, 1, ABS("RATIO"))))) > IFF("RATIO" = 0 OR "RATIO" = 'NaN'::FLOAT OR "RATIO" = 'inf'::FLOAT OR "RATIO" = '-inf'::FLOAT, 1, ABS("RATIO")), 1, 0) + IFF(POWER(2, FLOOR(LOG(2, IFF("RATIO" = 0 OR "RATIO" = 'NaN'::FLOAT OR "RATIO" = 'inf'::FLOAT OR "RATIO" = '-inf'::FLOAT, 1, ABS("RATIO")))) + 1) <= IFF("RATIO" = 0 OR "RATIO" = 'NaN'::FLOAT OR "RATIO" = 'inf'::FLOAT OR "RATIO" = '-inf'::FLOAT, 1, ABS("RATIO")), 1, 0)) - 52, -1074))::NUMBER(38,0)))))), '\\N'),
  '|', NVL(TO_CHAR("DAY", 'YYYY-MM-DD'), '\\N'),
  '|', NVL(TO_CHAR("TS", 'YYYY-MM-DD HH24:MI:SS.FF6'), '\\N'),
  '|', NVL(TO_CHAR(CONVERT_TIMEZONE('UTC', "TSTZ"), 'YYYY-MM-DD HH24:MI:SS.FF6'), '\\N'),
  '|', IFF("FLAG" IS NULL, '\\N', IFF("FLAG", 'true', 'false')),
  '|', NVL(HEX_ENCODE("BLOB"), '\\N'),
  '|', NVL(REPLACE(REPLACE("U", '\\', '\\\\'), '|', '\\|'), '\\N'),
  '|', NVL(TO_CHAR("T", 'HH24:MI:SS.FF6'), '\\N')) AS R
FROM "ANALYTICS"."Sales"."order ""lines"""
WHERE "ID" IS NOT NULL AND "ID" > 5 AND "ID" <= 17 AND ("TS" > '2025-01-02 03:04:05.000000'::TIMESTAMP_NTZ(6)))
