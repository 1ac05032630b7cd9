SELECT c.name FROM sys.key_constraints k
JOIN sys.index_columns ic ON ic.object_id = k.parent_object_id AND ic.index_id = k.unique_index_id
JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id
WHERE k.parent_object_id = OBJECT_ID(@p1) AND k.type = 'PK'
ORDER BY ic.key_ordinal
-- sp_executesql parameters (bound, not in the text):
-- @p1 nvarchar(15) = N'[Sales].[order]'
