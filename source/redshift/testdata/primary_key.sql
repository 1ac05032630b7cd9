SELECT a.attname::varchar
FROM pg_constraint c
JOIN pg_class r ON r.oid = c.conrelid
JOIN pg_namespace n ON n.oid = r.relnamespace
JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum = ANY (c.conkey)
WHERE c.contype = 'p' AND n.nspname = $1 AND r.relname = $2
ORDER BY a.attnum
