SELECT k, r
FROM (SELECT md5(k) AS h, k, r AS r, ('x' || md5(r))::bit(128) AS rh
FROM (SELECT concat_ws('|', ("id"), CASE WHEN ("id") IS NULL THEN E'\\N' END) AS k,
  concat_ws('|', ("id"), CASE WHEN ("id") IS NULL THEN E'\\N' END,
  replace(replace((("Name")::text) COLLATE "C", E'\\', E'\\\\'), '|', E'\\|'), CASE WHEN ("Name") IS NULL THEN E'\\N' END,
  replace(replace((textin(bpcharout(("code")))) COLLATE "C", E'\\', E'\\\\'), '|', E'\\|'), CASE WHEN ("code") IS NULL THEN E'\\N' END,
  ("amount"), CASE WHEN ("amount") IS NULL THEN E'\\N' END) AS r
FROM "Sales"."order"
WHERE "id" IS NOT NULL AND "id" > E'100'::bigint AND "id" <= E'200'::bigint AND (note = 'a\b')) x
OFFSET 0) y
WHERE left(h, 2) IN ('07', 'a3')
ORDER BY k COLLATE "C"
LIMIT 201
