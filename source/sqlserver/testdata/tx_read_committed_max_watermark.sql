-- begin transaction, isolation level Read Committed (a TDS transaction-manager request, no SQL text), read-only false
SELECT TOP (1) LEFT(CONVERT(nvarchar(30), CAST(SWITCHOFFSET([updated_at], 0) AS datetime2(7)), 121), 27) + N'+00:00' FROM [dbo].[Orders] WHERE [updated_at] IS NOT NULL AND (is_deleted = 0 OR note = 'a\b') ORDER BY [updated_at] DESC
-- rollback
