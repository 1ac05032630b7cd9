(("updated_at" <= E'2024-05-01 10:00:00.000000+00:00'::timestamp with time zone) OR "updated_at" IS NULL)
