SELECT count(*), COALESCE(sum(('x' || substr(h, 1, 8))::bit(32)::bigint::numeric * 4294967296 + ('x' || substr(h, 9, 8))::bit(32)::bigint), 0)::text, COALESCE(sum(('x' || substr(h, 17, 8))::bit(32)::bigint::numeric * 4294967296 + ('x' || substr(h, 25, 8))::bit(32)::bigint), 0)::text
FROM (SELECT md5(CASE WHEN ("id") IS NULL THEN E'\\N' ELSE ("id")::text END
  || '|' || CASE WHEN ("amount") IS NULL THEN E'\\N' ELSE round(("amount")::numeric, 2)::text END) AS h
FROM "Sales"."order"
WHERE ("id" IS NULL) AND TRUE
OFFSET 0) x
