"""HTTP plumbing every route shares: route dependencies (session, principal, guards), conditional GET, method
semantics, default headers, byte-range file responses, the public URLs, the error schema in OpenAPI and the
local store's download route. No domain rules live here."""
