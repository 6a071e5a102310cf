"""Video: the plan of distinct encodes, the one-decode ffmpeg graph, packaging (MP4, HLS), captions."""
