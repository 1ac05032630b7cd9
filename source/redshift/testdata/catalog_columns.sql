SELECT column_name::varchar,
  CASE
    WHEN data_type IN ('numeric', 'decimal') THEN 'numeric(' || numeric_precision || ',' || numeric_scale || ')'
    WHEN data_type IN ('character varying', 'character') AND character_maximum_length IS NOT NULL THEN data_type || '(' || character_maximum_length || ')'
    ELSE data_type
  END::varchar,
  is_nullable = 'YES',
  false
FROM svv_columns
WHERE table_catalog = current_database() AND table_schema = $1 AND table_name = $2
ORDER BY ordinal_position
