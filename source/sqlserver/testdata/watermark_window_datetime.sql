([changed] > CAST(@p1 AS datetime) AND [changed] <= CAST(@p2 AS datetime))
-- sp_executesql parameters (bound, not in the text):
-- @p1 nvarchar(23) = N'2024-04-01T00:00:00.000'
-- @p2 nvarchar(23) = N'2024-05-01T10:00:00.123'
