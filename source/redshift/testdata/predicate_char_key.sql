"code" IS NOT NULL AND "code" > 'AB12'::varchar(65535) AND "code" <= 'ZZ99'::varchar(65535)
