SELECT CASE WHEN ("id") IS NULL THEN E'\\N' ELSE ("id")::text END, md5(CASE WHEN ("id") IS NULL THEN E'\\N' ELSE ("id")::text END
  || '|' || CASE WHEN ("amount") IS NULL THEN E'\\N' ELSE round(("amount")::numeric, 2)::text END
  || '|' || CASE WHEN ("free") IS NULL THEN E'\\N' ELSE round(("free")::numeric, 6)::text END)
FROM "Sales"."order"
WHERE "id" IS NOT NULL AND "id" <= E'100'::bigint AND TRUE
ORDER BY "id"
