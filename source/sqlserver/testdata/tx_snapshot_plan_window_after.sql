-- begin transaction, isolation level Snapshot (a TDS transaction-manager request, no SQL text), read-only false
SELECT rn, rn + rd - 1 AS cnt, k1, k2 FROM (SELECT rn, ROW_NUMBER() OVER (ORDER BY rn DESC) AS rd, k1, k2 FROM (SELECT ROW_NUMBER() OVER (ORDER BY (CAST([Region] AS nvarchar(max)) + NCHAR(0)) COLLATE Latin1_General_100_BIN2, [day]) AS rn, LEFT(CAST([Region] AS nvarchar(max)), 1025) AS k1, [day] AS k2 FROM [Sales].[order] WHERE [Region] IS NOT NULL AND [day] IS NOT NULL AND ((CAST([Region] AS nvarchar(max)) + NCHAR(0)) COLLATE Latin1_General_100_BIN2 > (CAST(@p1 AS nvarchar(max)) + NCHAR(0)) COLLATE Latin1_General_100_BIN2 OR ((CAST([Region] AS nvarchar(max)) + NCHAR(0)) COLLATE Latin1_General_100_BIN2 = (CAST(@p1 AS nvarchar(max)) + NCHAR(0)) COLLATE Latin1_General_100_BIN2 AND [day] > CAST(@p2 AS date))) AND ((([updated_at] > @p3 AND [updated_at] <= @p4) OR [updated_at] IS NULL) AND (is_deleted = 0 OR note = 'a\b'))) a WHERE rn <= 10000001) b WHERE rn % 1000000 = 0 OR rd = 1 ORDER BY rn
-- sp_executesql parameters (bound, not in the text):
-- @p1 nvarchar(8) = N'O''Neil\x'
-- @p2 nvarchar(10) = N'2024-01-31'
-- @p3 nvarchar(33) = N'2024-04-01 00:00:00.0000000+00:00'
-- @p4 nvarchar(33) = N'2024-05-01 10:00:00.0000000+00:00'
-- rollback
