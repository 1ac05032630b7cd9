SELECT COUNT_BIG(*), CAST(COALESCE(SUM(CAST(CAST(SUBSTRING(h, 1, 4) AS bigint) AS decimal(38,0)) * 4294967296 + CAST(SUBSTRING(h, 5, 4) AS bigint)), 0) AS varchar(40)), CAST(COALESCE(SUM(CAST(CAST(SUBSTRING(h, 9, 4) AS bigint) AS decimal(38,0)) * 4294967296 + CAST(SUBSTRING(h, 13, 4) AS bigint)), 0) AS varchar(40))
FROM (SELECT HASHBYTES('MD5', CAST((CASE WHEN ([id]) IS NULL THEN N'\N' ELSE CAST(([id]) AS nvarchar(max)) END
  + N'|' + CASE WHEN ([Region]) IS NULL THEN N'\N' ELSE REPLACE(REPLACE(CAST(([Region]) AS nvarchar(max)) COLLATE Latin1_General_100_BIN2, N'\', N'\\'), N'|', N'\|') END) COLLATE Latin1_General_100_BIN2_UTF8 AS varchar(max))) AS h
FROM [Sales].[order]
WHERE ([Region] IS NULL OR [id] IS NULL)) x
