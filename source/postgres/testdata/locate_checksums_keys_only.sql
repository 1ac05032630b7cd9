SELECT left(h, 3) AS b, count(*), (COALESCE(sum(rh::bit(64)::bigint # (-9223372036854775808)), 0) + count(*) * 9223372036854775808::numeric)::text, (COALESCE(sum((rh << 64)::bit(64)::bigint # (-9223372036854775808)), 0) + count(*) * 9223372036854775808::numeric)::text
FROM (SELECT md5(k) AS h, k, k AS r, ('x' || md5(k))::bit(128) AS rh
FROM (SELECT concat_ws('|', ("id"), CASE WHEN ("id") IS NULL THEN E'\\N' END,
  replace(replace((textin(bpcharout(("code")))) COLLATE "C", E'\\', E'\\\\'), '|', E'\\|'), CASE WHEN ("code") IS NULL THEN E'\\N' END) AS k
FROM "Sales"."order"
WHERE "id" IS NOT NULL AND "id" > E'100'::bigint AND "id" <= E'200'::bigint AND (note = 'a\b')) x
OFFSET 0) y
WHERE left(h, 1) IN ('f') OR left(h, 2) IN ('0a', '1b')
GROUP BY left(h, 3)
ORDER BY left(h, 3) COLLATE "C"
