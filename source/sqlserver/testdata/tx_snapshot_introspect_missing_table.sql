-- begin transaction, isolation level Snapshot (a TDS transaction-manager request, no SQL text), read-only false
SELECT o.type, DB_NAME() AS db, SCHEMA_NAME(o.schema_id) AS schema_name, o.name,
(SELECT SUM(p.rows) FROM sys.partitions p WHERE p.object_id = o.object_id AND p.index_id IN (0, 1)) AS row_count
FROM sys.objects o WHERE o.object_id = OBJECT_ID(@p1) AND o.type IN ('U', 'V')
-- sp_executesql parameters (bound, not in the text):
-- @p1 nvarchar(15) = N'[Sales].[order]'
SELECT TOP (20000) SCHEMA_NAME(schema_id), name FROM sys.objects
WHERE type IN ('U', 'V') ORDER BY name, SCHEMA_NAME(schema_id)
-- rollback
