SELECT c.name, CASE WHEN t.is_user_defined = 1 THEN TYPE_NAME(c.system_type_id) ELSE t.name END AS type_name,
c.max_length, c.precision, c.scale, c.collation_name, c.is_nullable, c.is_identity, c.is_computed
FROM sys.columns c JOIN sys.types t ON t.user_type_id = c.user_type_id
WHERE c.object_id = OBJECT_ID(@p1)
ORDER BY c.column_id
-- sp_executesql parameters (bound, not in the text):
-- @p1 nvarchar(15) = N'[Sales].[order]'
