SELECT left(h, 2) AS b, count(*), sum(('x' || substr(rh, 1, 8))::bit(32)::bigint::numeric * 4294967296 + ('x' || substr(rh, 9, 8))::bit(32)::bigint)::text, sum(('x' || substr(rh, 17, 8))::bit(32)::bigint::numeric * 4294967296 + ('x' || substr(rh, 25, 8))::bit(32)::bigint)::text
FROM (SELECT md5(k) AS h, k, r AS r, md5(r) AS rh
FROM (SELECT CASE WHEN ("id") IS NULL THEN E'\\N' ELSE ("id")::text END AS k,
  CASE WHEN ("id") IS NULL THEN E'\\N' ELSE ("id")::text END
  || '|' || CASE WHEN ("Name") IS NULL THEN E'\\N' ELSE replace(replace(("Name")::text, E'\\', E'\\\\'), '|', E'\\|') END
  || '|' || CASE WHEN ("code") IS NULL THEN E'\\N' ELSE replace(replace(format('%s', ("code")), E'\\', E'\\\\'), '|', E'\\|') END
  || '|' || CASE WHEN ("amount") IS NULL THEN E'\\N' ELSE round(("amount")::numeric, 2)::text END AS r
FROM "Sales"."order"
WHERE "id" IS NOT NULL AND "id" > E'100'::bigint AND "id" <= E'200'::bigint AND (note = 'a\b')) x
OFFSET 0) y
GROUP BY left(h, 2)
ORDER BY left(h, 2) COLLATE "C"
