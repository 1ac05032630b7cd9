SELECT "id", "Region", "day", "amount", "price", "at", "local", "flag"::text, "we""ird" FROM "Sales"."order" WHERE ("id" IS NULL) AND (is_deleted = 0 OR note = 'a\b')
