"code" IS NOT NULL AND rpad("code"::text, 4) COLLATE "C" > E'AB12'::text AND rpad("code"::text, 4) COLLATE "C" <= E'ZZ99'::text
