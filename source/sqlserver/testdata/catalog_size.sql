SELECT SUM(s.reserved_page_count) FROM sys.dm_db_partition_stats s WHERE s.object_id = OBJECT_ID(@p1)
-- sp_executesql parameters (bound, not in the text):
-- @p1 nvarchar(15) = N'[Sales].[order]'
