"code" IS NOT NULL AND "code" COLLATE "C" > 'AB12'::bpchar AND "code" COLLATE "C" <= 'ZZ99'::bpchar
