DELETE FROM "ANALYTICS"."Sales"."order ""lines""" WHERE ("ID" IS NULL)
