SELECT current_database()::varchar, t.table_type::varchar,
  COALESCE(i.tbl_rows, 0)::bigint, (COALESCE(i.size, 0) * 1048576)::bigint
FROM svv_tables t
LEFT JOIN svv_table_info i ON i.schema = t.table_schema AND i."table" = t.table_name
WHERE t.table_catalog = current_database() AND t.table_schema = $1 AND t.table_name = $2
