SELECT "Version"::text FROM "public"."Orders" WHERE TRUE AND "Version" IS NOT NULL ORDER BY "Version" DESC LIMIT 1
