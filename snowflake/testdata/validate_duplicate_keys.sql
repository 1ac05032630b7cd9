SELECT COUNT(*) FROM (SELECT "ID", "MixedCase" FROM "ANALYTICS"."Sales"."order ""lines""" WHERE "ID" IS NOT NULL AND "MixedCase" IS NOT NULL GROUP BY "ID", "MixedCase" HAVING COUNT(*) > 1)
