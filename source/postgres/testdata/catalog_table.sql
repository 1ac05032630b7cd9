SELECT current_database()::text, c.relkind::text,
  COALESCE((SELECT sum(GREATEST(pc.reltuples, 0))::bigint FROM pg_partition_tree(c.oid) pt JOIN pg_class pc ON pc.oid = pt.relid WHERE pt.isleaf), GREATEST(c.reltuples, 0)::bigint, 0),
  COALESCE((SELECT sum(pg_total_relation_size(pt.relid))::bigint FROM pg_partition_tree(c.oid) pt WHERE pt.isleaf), pg_total_relation_size(c.oid), 0)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
