DELETE FROM "ANALYTICS"."Sales"."order ""lines""" WHERE "ID" IS NOT NULL AND "ID" > 10 AND "ID" <= 20
