([Version] > CAST(@p1 AS bigint) AND [Version] <= CAST(@p2 AS bigint))
-- sp_executesql parameters (bound, not in the text):
-- @p1 nvarchar(2) = N'41'
-- @p2 nvarchar(2) = N'97'
