((1 = 0) OR [updated_at] IS NULL)
