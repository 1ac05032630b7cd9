-- begin transaction, isolation level Snapshot (a TDS transaction-manager request, no SQL text), read-only false
SELECT TOP (1) 1 FROM [Sales].[order] WHERE ([id] IS NULL) AND (is_deleted = 0 OR note = 'a\b')
SELECT rn, rn + rd - 1 AS cnt, k1 FROM (SELECT rn, ROW_NUMBER() OVER (ORDER BY rn DESC) AS rd, k1 FROM (SELECT ROW_NUMBER() OVER (ORDER BY [id]) AS rn, [id] AS k1 FROM [Sales].[order] WHERE [id] IS NOT NULL AND (is_deleted = 0 OR note = 'a\b')) a WHERE rn <= 10000001) b WHERE rn % 1000000 = 0 OR rd = 1 ORDER BY rn
-- rollback
