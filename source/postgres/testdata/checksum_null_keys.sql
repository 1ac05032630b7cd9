SELECT count(*), (COALESCE(sum(b::bit(64)::bigint # (-9223372036854775808)), 0) + count(*) * 9223372036854775808::numeric)::text, (COALESCE(sum((b << 64)::bit(64)::bigint # (-9223372036854775808)), 0) + count(*) * 9223372036854775808::numeric)::text
FROM (SELECT ('x' || md5(concat_ws('|', ("id"), CASE WHEN ("id") IS NULL THEN E'\\N' END,
  ("amount"), CASE WHEN ("amount") IS NULL THEN E'\\N' END)))::bit(128) AS b
FROM "Sales"."order"
WHERE ("id" IS NULL) AND TRUE
OFFSET 0) x
