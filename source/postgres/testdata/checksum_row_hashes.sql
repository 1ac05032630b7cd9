SELECT concat_ws('|', ("id"), CASE WHEN ("id") IS NULL THEN E'\\N' END), md5(concat_ws('|', ("id"), CASE WHEN ("id") IS NULL THEN E'\\N' END,
  ("amount"), CASE WHEN ("amount") IS NULL THEN E'\\N' END,
  round(("free")::numeric, 6), CASE WHEN ("free") IS NULL THEN E'\\N' END))
FROM "Sales"."order"
WHERE "id" IS NOT NULL AND "id" <= E'100'::bigint AND TRUE
ORDER BY "id"
