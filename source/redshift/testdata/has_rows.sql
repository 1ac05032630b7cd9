SELECT count(*) > 0 FROM (SELECT 1 FROM "Sales"."order" WHERE (is_deleted = 0 OR note = 'a\b') LIMIT 1) x
