TRUNCATE TABLE IF EXISTS "ANALYTICS"."Sales"."order ""lines"""
