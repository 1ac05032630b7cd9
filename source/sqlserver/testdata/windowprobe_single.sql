SELECT p, COUNT_BIG(*) FROM (SELECT CASE WHEN ([id] IS NULL) THEN 0 WHEN [id] IS NOT NULL AND [id] <= CAST(@p3 AS bigint) THEN 1 WHEN [id] IS NOT NULL AND [id] > CAST(@p4 AS bigint) AND [id] <= CAST(@p5 AS bigint) THEN 2 END AS p FROM [Sales].[order] WHERE ([updated_at] > @p1 AND [updated_at] <= @p2)) x WHERE p IS NOT NULL GROUP BY p
-- sp_executesql parameters (bound, not in the text):
-- @p1 nvarchar(33) = N'2024-04-01 00:00:00.0000000+00:00'
-- @p2 nvarchar(33) = N'2024-05-01 10:00:00.0000000+00:00'
-- @p3 nvarchar(3) = N'100'
-- @p4 nvarchar(3) = N'100'
-- @p5 nvarchar(3) = N'200'
