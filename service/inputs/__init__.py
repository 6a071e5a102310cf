"""Client input at the edge: control characters, JSON that is not UTF-8 or nests too deep, client file
names and echoed input. Every entry point (HTTP query, path, JSON and form bodies, multipart and tus
metadata, import manifests) goes through the same functions, so bad input is always the client's error."""
