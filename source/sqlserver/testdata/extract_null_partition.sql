SELECT [id], [Region], [day], [amount], [price], [at], [local], CONVERT(nvarchar(max), [flag]), [we"i]]rd] FROM [Sales].[order] WHERE ([id] IS NULL) AND (is_deleted = 0 OR note = 'a\b')
