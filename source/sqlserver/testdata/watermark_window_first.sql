(([updated_at] <= @p1) OR [updated_at] IS NULL)
-- sp_executesql parameters (bound, not in the text):
-- @p1 nvarchar(33) = N'2024-05-01 10:00:00.0000000+00:00'
