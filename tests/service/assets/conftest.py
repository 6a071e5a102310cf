"""API tests run on the shared stacks of tests/conftest.py (SQLite + local folder, PostgreSQL + S3)."""
