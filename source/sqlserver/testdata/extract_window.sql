SELECT [updated_at], [Version], [changed] FROM [Sales].[order] WHERE [Version] IS NOT NULL AND [Version] > CAST(@p1 AS bigint) AND [Version] <= CAST(@p2 AS bigint) AND ([updated_at] > @p3 AND [updated_at] <= @p4) AND (is_deleted = 0 OR note = 'a\b')
-- sp_executesql parameters (bound, not in the text):
-- @p1 nvarchar(3) = N'100'
-- @p2 nvarchar(3) = N'200'
-- @p3 nvarchar(33) = N'2024-04-01 00:00:00.0000000+00:00'
-- @p4 nvarchar(33) = N'2024-05-01 10:00:00.0000000+00:00'
