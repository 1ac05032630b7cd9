SELECT TOP (1) LEFT(CONVERT(nvarchar(30), CAST([changed] AS datetime2(7)), 121), 23) FROM [dbo].[Orders] WHERE [changed] IS NOT NULL AND (is_deleted = 0 OR note = 'a\b') ORDER BY [changed] DESC
