((FALSE) OR "updated_at" IS NULL)
