SELECT COUNT(*) FROM "ANALYTICS"."Sales"."order ""lines"""
