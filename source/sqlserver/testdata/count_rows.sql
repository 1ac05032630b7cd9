SELECT COUNT_BIG(*) FROM [Sales].[order] WHERE (is_deleted = 0 OR note = 'a\b')
