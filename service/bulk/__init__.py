"""Bulk import: a ZIP of files plus a CSV/XLSX manifest, each row through the normal ingest path."""
