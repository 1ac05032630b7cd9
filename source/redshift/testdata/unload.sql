UNLOAD ('SELECT "id" AS c0, "Region" AS c1, "at" AS c2, json_serialize("doc") AS c3, to_hex("blob") AS c4, ST_AsText("shape") AS c5 FROM "Sales"."order" WHERE "id" IS NOT NULL AND "id" > ''100''::bigint AND "id" <= ''200''::bigint AND (is_deleted = 0 OR note = ''a\\b'')')
TO 's3://bucket/unload/mig/shop.sales.order/3/'
IAM_ROLE 'arn:aws:iam::123456789012:role/unload'
FORMAT AS PARQUET
MANIFEST VERBOSE
CLEANPATH
MAXFILESIZE 256 MB
