([Region] IS NULL OR [day] IS NULL)
