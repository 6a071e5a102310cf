"""Resumable uploads (tus 1.0: core, creation, creation-with-upload, checksum sha1, termination, expiration)."""
