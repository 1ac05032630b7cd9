SELECT count(*) > 0 FROM (SELECT 1 FROM "Sales"."order" WHERE TRUE LIMIT 1) x
