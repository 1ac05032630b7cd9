SELECT count(*), COALESCE(sum(('x' || substr(h, 1, 8))::bit(32)::bigint::numeric * 4294967296 + ('x' || substr(h, 9, 8))::bit(32)::bigint), 0)::text, COALESCE(sum(('x' || substr(h, 17, 8))::bit(32)::bigint::numeric * 4294967296 + ('x' || substr(h, 25, 8))::bit(32)::bigint), 0)::text
FROM (SELECT md5(CASE WHEN ("id") IS NULL THEN E'\\N' ELSE ("id")::text END
  || '|' || CASE WHEN ("amount") IS NULL THEN E'\\N' ELSE round(("amount")::numeric, 2)::text END
  || '|' || CASE WHEN ("free") IS NULL THEN E'\\N' ELSE round(("free")::numeric, 6)::text END
  || '|' || CASE WHEN ("price") IS NULL THEN E'\\N' ELSE CASE WHEN ("price")::float8 = 'NaN' THEN 'NaN' WHEN ("price")::float8 = 'Infinity' THEN 'inf' WHEN ("price")::float8 = '-Infinity' THEN '-inf' WHEN ("price")::float8 = 0 THEN '0' ELSE CASE WHEN ("price")::float8 < 0 THEN '-' ELSE '' END || (CASE WHEN ((('x' || encode(float8send(("price")::float8), 'hex'))::bit(64)::bigint >> 52) & 2047) = 0 THEN (('x' || encode(float8send(("price")::float8), 'hex'))::bit(64)::bigint & 4503599627370495) ELSE (('x' || encode(float8send(("price")::float8), 'hex'))::bit(64)::bigint & 4503599627370495) | 4503599627370496 END)::text || 'p' || (CASE WHEN ((('x' || encode(float8send(("price")::float8), 'hex'))::bit(64)::bigint >> 52) & 2047) = 0 THEN -1074 ELSE ((('x' || encode(float8send(("price")::float8), 'hex'))::bit(64)::bigint >> 52) & 2047) - 1075 END)::text END END
  || '|' || CASE WHEN ("flag") IS NULL THEN E'\\N' ELSE CASE WHEN ("flag") THEN 'true' ELSE 'false' END END
  || '|' || CASE WHEN ("Name") IS NULL THEN E'\\N' ELSE replace(replace(("Name")::text, E'\\', E'\\\\'), '|', E'\\|') END
  || '|' || CASE WHEN ("code") IS NULL THEN E'\\N' ELSE replace(replace(format('%s', ("code")), E'\\', E'\\\\'), '|', E'\\|') END
  || '|' || CASE WHEN ("u") IS NULL THEN E'\\N' ELSE replace(replace(("u")::text, E'\\', E'\\\\'), '|', E'\\|') END
  || '|' || CASE WHEN ("blob") IS NULL THEN E'\\N' ELSE upper(encode(("blob"), 'hex')) END
  || '|' || CASE WHEN ("day") IS NULL THEN E'\\N' ELSE to_char(("day"), 'YYYY-MM-DD') END
  || '|' || CASE WHEN ("t") IS NULL THEN E'\\N' ELSE to_char(("t"), 'HH24:MI:SS.US') END
  || '|' || CASE WHEN ("ts") IS NULL THEN E'\\N' ELSE to_char(("ts"), 'YYYY-MM-DD HH24:MI:SS.US') END
  || '|' || CASE WHEN ("at") IS NULL THEN E'\\N' ELSE to_char(("at") AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') END
  || '|' || CASE WHEN ("doc"::text) IS NULL THEN E'\\N' ELSE 'J' END) AS h
FROM "Sales"."order"
WHERE "id" IS NOT NULL AND "id" > E'100'::bigint AND "id" <= E'200'::bigint AND (note = 'a\b')
OFFSET 0) x
