-- key O'Neil\\x\|y|2024-01-31
SELECT [id], [Region], [day], [amount], [price], [at], [local], [flag], [we"i]]rd] FROM [Sales].[order] WHERE (CAST([Region] AS nvarchar(max)) + NCHAR(0)) COLLATE Latin1_General_100_BIN2 = (CAST(N'O''Neil\x|y' AS nvarchar(max)) + NCHAR(0)) COLLATE Latin1_General_100_BIN2 AND [day] = CAST(N'2024-01-31' AS date) AND (is_deleted = 0 OR note = 'a\b')
