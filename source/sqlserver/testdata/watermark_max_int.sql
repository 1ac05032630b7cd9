SELECT TOP (1) CAST([Version] AS nvarchar(30)) FROM [dbo].[Orders] WHERE [Version] IS NOT NULL ORDER BY [Version] DESC
