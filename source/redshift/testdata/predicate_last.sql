"id" IS NOT NULL AND "id" > '100'::bigint
