[code] IS NOT NULL AND (CAST([code] AS nvarchar(max)) + NCHAR(0)) COLLATE Latin1_General_100_BIN2 > (CAST(@p1 AS nvarchar(max)) + NCHAR(0)) COLLATE Latin1_General_100_BIN2 AND (CAST([code] AS nvarchar(max)) + NCHAR(0)) COLLATE Latin1_General_100_BIN2 <= (CAST(@p2 AS nvarchar(max)) + NCHAR(0)) COLLATE Latin1_General_100_BIN2
-- sp_executesql parameters (bound, not in the text):
-- @p1 nvarchar(4) = N'AB12'
-- @p2 nvarchar(4) = N'ZZ99'
