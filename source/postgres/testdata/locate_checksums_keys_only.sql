SELECT left(h, 3) AS b, count(*), sum(('x' || substr(rh, 1, 8))::bit(32)::bigint::numeric * 4294967296 + ('x' || substr(rh, 9, 8))::bit(32)::bigint)::text, sum(('x' || substr(rh, 17, 8))::bit(32)::bigint::numeric * 4294967296 + ('x' || substr(rh, 25, 8))::bit(32)::bigint)::text
FROM (SELECT md5(k) AS h, k, k AS r, md5(k) AS rh
FROM (SELECT CASE WHEN ("id") IS NULL THEN E'\\N' ELSE ("id")::text END
  || '|' || CASE WHEN ("code") IS NULL THEN E'\\N' ELSE replace(replace(format('%s', ("code")), E'\\', E'\\\\'), '|', E'\\|') END AS k
FROM "Sales"."order"
WHERE "id" IS NOT NULL AND "id" > E'100'::bigint AND "id" <= E'200'::bigint AND (note = 'a\b')) x
OFFSET 0) y
WHERE left(h, 1) IN ('f') OR left(h, 2) IN ('0a', '1b')
GROUP BY left(h, 3)
ORDER BY left(h, 3) COLLATE "C"
