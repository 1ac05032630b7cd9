SELECT LEFT(h, 2), COUNT_BIG(*), CAST(COALESCE(SUM(CAST(CAST(SUBSTRING(rh, 1, 4) AS bigint) AS decimal(38,0)) * 4294967296 + CAST(SUBSTRING(rh, 5, 4) AS bigint)), 0) AS varchar(40)), CAST(COALESCE(SUM(CAST(CAST(SUBSTRING(rh, 9, 4) AS bigint) AS decimal(38,0)) * 4294967296 + CAST(SUBSTRING(rh, 13, 4) AS bigint)), 0) AS varchar(40))
FROM (SELECT LOWER(CONVERT(varchar(32), HASHBYTES('MD5', CAST((CASE WHEN ([id]) IS NULL THEN N'\N' ELSE CAST(([id]) AS nvarchar(max)) END) COLLATE Latin1_General_100_BIN2_UTF8 AS varchar(max))), 2)) AS h,
  HASHBYTES('MD5', CAST((CASE WHEN ([id]) IS NULL THEN N'\N' ELSE CAST(([id]) AS nvarchar(max)) END) COLLATE Latin1_General_100_BIN2_UTF8 AS varchar(max))) AS rh
FROM [Sales].[order]
WHERE [id] IS NOT NULL AND [id] > CAST(@p1 AS bigint) AND [id] <= CAST(@p2 AS bigint) AND (is_deleted = 0)) y
GROUP BY LEFT(h, 2)
ORDER BY LEFT(h, 2)
