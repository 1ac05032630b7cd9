"code" IS NOT NULL AND rpad("code"::varchar(65535), 4) > 'AB12'::varchar(65535) AND rpad("code"::varchar(65535), 4) <= 'ZZ99'::varchar(65535)
