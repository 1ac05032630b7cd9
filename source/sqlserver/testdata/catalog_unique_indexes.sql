SELECT i.name, c.name, c.is_nullable FROM sys.indexes i
JOIN sys.index_columns ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id
JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id
WHERE i.object_id = OBJECT_ID(@p1) AND i.is_unique = 1 AND i.is_primary_key = 0 AND i.has_filter = 0 AND i.is_disabled = 0
  AND i.is_hypothetical = 0 AND ic.is_included_column = 0 AND ic.key_ordinal > 0
ORDER BY i.index_id, ic.key_ordinal
-- sp_executesql parameters (bound, not in the text):
-- @p1 nvarchar(15) = N'[Sales].[order]'
