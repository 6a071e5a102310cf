"""Language tests run on the API test stacks (SQLite + local folder, PostgreSQL + S3)."""

