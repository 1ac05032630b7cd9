("Version" > E'41'::bigint AND "Version" <= E'97'::bigint)
