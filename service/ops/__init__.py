"""Operations: metrics, request ids and JSON logs, security headers, request size and rate limits."""
