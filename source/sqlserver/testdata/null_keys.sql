SELECT TOP (1) 1 FROM [Sales].[order] WHERE ([Region] IS NULL OR [day] IS NULL) AND (is_deleted = 0 OR note = 'a\b')
