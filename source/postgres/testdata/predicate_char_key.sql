"code" IS NOT NULL AND "code" COLLATE "C" > E'AB12'::bpchar AND "code" COLLATE "C" <= E'ZZ99'::bpchar
