SELECT TOP (1) 1 FROM [Sales].[order] WHERE (is_deleted = 0 OR note = 'a\b')
