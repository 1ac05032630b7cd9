[id] IS NOT NULL AND [id] > CAST(@p1 AS bigint)
-- sp_executesql parameters (bound, not in the text):
-- @p1 nvarchar(3) = N'100'
