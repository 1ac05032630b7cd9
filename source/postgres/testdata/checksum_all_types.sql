SELECT count(*), (COALESCE(sum(b::bit(64)::bigint # (-9223372036854775808)), 0) + count(*) * 9223372036854775808::numeric)::text, (COALESCE(sum((b << 64)::bit(64)::bigint # (-9223372036854775808)), 0) + count(*) * 9223372036854775808::numeric)::text
FROM (SELECT ('x' || md5(concat_ws('|', ("id"), CASE WHEN ("id") IS NULL THEN E'\\N' END,
  ("amount"), CASE WHEN ("amount") IS NULL THEN E'\\N' END,
  round(("free")::numeric, 6), CASE WHEN ("free") IS NULL THEN E'\\N' END,
  CASE WHEN ("price") IS NULL THEN E'\\N' ELSE CASE WHEN ("price")::float8 = 'NaN' THEN 'NaN' WHEN ("price")::float8 = 'Infinity' THEN 'inf' WHEN ("price")::float8 = '-Infinity' THEN '-inf' WHEN ("price")::float8 = 0 THEN '0' ELSE CASE WHEN ("price")::float8 < 0 THEN '-' ELSE '' END || (CASE WHEN (("_snowmigrate_float_bits_3" >> 52) & 2047) = 0 THEN ("_snowmigrate_float_bits_3" & 4503599627370495) ELSE ("_snowmigrate_float_bits_3" & 4503599627370495) | 4503599627370496 END)::text || 'p' || (CASE WHEN (("_snowmigrate_float_bits_3" >> 52) & 2047) = 0 THEN -1074 ELSE (("_snowmigrate_float_bits_3" >> 52) & 2047) - 1075 END)::text END END,
  CASE WHEN ("flag") IS NULL THEN E'\\N' ELSE CASE WHEN ("flag") THEN 'true' ELSE 'false' END END,
  replace(replace((("Name")::text) COLLATE "C", E'\\', E'\\\\'), '|', E'\\|'), CASE WHEN ("Name") IS NULL THEN E'\\N' END,
  replace(replace((textin(bpcharout(("code")))) COLLATE "C", E'\\', E'\\\\'), '|', E'\\|'), CASE WHEN ("code") IS NULL THEN E'\\N' END,
  replace(replace((("u")::text) COLLATE "C", E'\\', E'\\\\'), '|', E'\\|'), CASE WHEN ("u") IS NULL THEN E'\\N' END,
  upper(encode(("blob"), 'hex')), CASE WHEN ("blob") IS NULL THEN E'\\N' END,
  ("day"), CASE WHEN ("day") IS NULL THEN E'\\N' END,
  to_char(("t"), 'HH24:MI:SS.US'), CASE WHEN ("t") IS NULL THEN E'\\N' END,
  to_char(("ts"), 'YYYY-MM-DD HH24:MI:SS.US'), CASE WHEN ("ts") IS NULL THEN E'\\N' END,
  to_char(("at") AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), CASE WHEN ("at") IS NULL THEN E'\\N' END,
  CASE WHEN ("doc"::text) IS NULL THEN E'\\N' ELSE 'J' END)))::bit(128) AS b
FROM (SELECT *, ('x' || encode(float8send(("price")::float8), 'hex'))::bit(64)::bigint AS "_snowmigrate_float_bits_3"
FROM "Sales"."order"
WHERE "id" IS NOT NULL AND "id" > E'100'::bigint AND "id" <= E'200'::bigint AND (note = 'a\b')
OFFSET 0) r
OFFSET 0) x
