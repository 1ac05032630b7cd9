SELECT k, r
FROM (SELECT md5(k) AS h, k, r AS r, md5(r) AS rh
FROM (SELECT CASE WHEN ("id") IS NULL THEN E'\\N' ELSE ("id")::text END AS k,
  CASE WHEN ("id") IS NULL THEN E'\\N' ELSE ("id")::text END
  || '|' || CASE WHEN ("Name") IS NULL THEN E'\\N' ELSE replace(replace(("Name")::text, E'\\', E'\\\\'), '|', E'\\|') END
  || '|' || CASE WHEN ("code") IS NULL THEN E'\\N' ELSE replace(replace(format('%s', ("code")), E'\\', E'\\\\'), '|', E'\\|') END
  || '|' || CASE WHEN ("amount") IS NULL THEN E'\\N' ELSE round(("amount")::numeric, 2)::text END AS r
FROM "Sales"."order"
WHERE "id" IS NOT NULL AND "id" > E'100'::bigint AND "id" <= E'200'::bigint AND (note = 'a\b')) x
OFFSET 0) y
WHERE left(h, 2) IN ('07', 'a3')
ORDER BY k COLLATE "C"
LIMIT 201
