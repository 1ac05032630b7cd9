-- key O'Neil\\x\|y|\N
SELECT [id], [Region], [day], [amount], [price], [at], [local], [flag], [we"i]]rd] FROM [Sales].[order] WHERE (CAST([Region] AS nvarchar(max)) + NCHAR(0)) COLLATE Latin1_General_100_BIN2 = (CAST(N'O''Neil\x|y' AS nvarchar(max)) + NCHAR(0)) COLLATE Latin1_General_100_BIN2 AND [day] IS NULL AND (is_deleted = 0 OR note = 'a\b')
