("updated_at" > E'x'' OR 1=1 --\\'::timestamp with time zone AND "updated_at" <= E'2024-05-01 10:00:00.000000+00:00'::timestamp with time zone)
