[Region] IS NOT NULL AND [day] IS NOT NULL AND ((CAST([Region] AS nvarchar(max)) + NCHAR(0)) COLLATE Latin1_General_100_BIN2 > (CAST(@p1 AS nvarchar(max)) + NCHAR(0)) COLLATE Latin1_General_100_BIN2 OR ((CAST([Region] AS nvarchar(max)) + NCHAR(0)) COLLATE Latin1_General_100_BIN2 = (CAST(@p1 AS nvarchar(max)) + NCHAR(0)) COLLATE Latin1_General_100_BIN2 AND [day] > CAST(@p2 AS date))) AND ((CAST([Region] AS nvarchar(max)) + NCHAR(0)) COLLATE Latin1_General_100_BIN2 < (CAST(@p3 AS nvarchar(max)) + NCHAR(0)) COLLATE Latin1_General_100_BIN2 OR ((CAST([Region] AS nvarchar(max)) + NCHAR(0)) COLLATE Latin1_General_100_BIN2 = (CAST(@p3 AS nvarchar(max)) + NCHAR(0)) COLLATE Latin1_General_100_BIN2 AND [day] <= CAST(@p4 AS date)))
-- sp_executesql parameters (bound, not in the text):
-- @p1 nvarchar(4) = N'east'
-- @p2 nvarchar(10) = N'2024-01-01'
-- @p3 nvarchar(4) = N'west'
-- @p4 nvarchar(10) = N'2024-02-01'
