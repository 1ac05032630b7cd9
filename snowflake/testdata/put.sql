PUT 'file:///var/tmp/snowmigrate/mig1/part-0000.parquet' @SNOWCONVERT_AI.DATA_MIGRATION.MIGRATION_STAGE/mig1/db.public.orders/7/ AUTO_COMPRESS = FALSE OVERWRITE = TRUE PARALLEL = 4
