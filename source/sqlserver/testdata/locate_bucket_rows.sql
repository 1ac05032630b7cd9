SELECT TOP (50) k, r
FROM (SELECT LOWER(CONVERT(varchar(32), HASHBYTES('MD5', CAST((CASE WHEN ([id]) IS NULL THEN N'\N' ELSE CAST(([id]) AS nvarchar(max)) END) COLLATE Latin1_General_100_BIN2_UTF8 AS varchar(max))), 2)) AS h,
  CASE WHEN ([id]) IS NULL THEN N'\N' ELSE CAST(([id]) AS nvarchar(max)) END AS k,
  CASE WHEN ([id]) IS NULL THEN N'\N' ELSE CAST(([id]) AS nvarchar(max)) END
  + N'|' + CASE WHEN ([note]) IS NULL THEN N'\N' ELSE REPLACE(REPLACE(CAST(([note]) AS nvarchar(max)) COLLATE Latin1_General_100_BIN2, N'\', N'\\'), N'|', N'\|') END AS r
FROM [Sales].[order]
WHERE [id] IS NOT NULL AND [id] > CAST(@p1 AS bigint) AND [id] <= CAST(@p2 AS bigint) AND (is_deleted = 0)) y
WHERE LEFT(h, 1) IN ('a') OR LEFT(h, 2) IN ('0f')
ORDER BY CAST(k COLLATE Latin1_General_100_BIN2_UTF8 AS varchar(max))
