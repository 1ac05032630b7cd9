"id" IS NOT NULL AND "id" > E'100'::bigint
