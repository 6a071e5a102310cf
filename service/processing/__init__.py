"""Processing of uploaded versions: the job that makes renditions, previews and text (the job status API is
service/renditions/jobs.py)."""
