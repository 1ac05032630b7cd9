SELECT TOP (1) 1 FROM [Sales].[order]
