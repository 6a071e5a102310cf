"""Password hashing (argon2id) and keyed hashes for tokens and API keys (HMAC-SHA256 with the secret key):
a leaked database alone gives neither passwords nor usable keys."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.orm import Session

from service.core.config import SecuritySettings
from service.core.runtime import session_runtime

# argon2-cffi's defaults (RFC 9106 low-memory) in service; its cheapest parameters when the settings ask for
# them (the test suite). A hash carries its own parameters, so either hasher verifies any stored hash.
_HASHERS = {"standard": PasswordHasher(), "cheap": PasswordHasher.from_parameters(profiles.CHEAPEST)}

# A fixed hash per profile to verify against when the e-mail is unknown, so timing does not reveal which
# e-mails exist (made once at import: it costs what one login costs).
_DUMMY_HASHES = {name: hasher.hash(secrets.token_urlsafe(16)) for name, hasher in _HASHERS.items()}


def security_of(session: Session) -> SecuritySettings:
    """The security settings of the runtime `session` belongs to (hashing parameters, secret key)."""
    return session_runtime(session).settings.security


def _hasher(s: SecuritySettings) -> PasswordHasher:
    return _HASHERS[s.password_hashing]


def hash_password(s: SecuritySettings, password: str) -> str:
    return _hasher(s).hash(password)


def verify_password(s: SecuritySettings, password_hash: str, password: str) -> bool:
    try:
        return _hasher(s).verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def dummy_hash(s: SecuritySettings) -> str:
    """A hash no password matches, made with the current parameters (see _DUMMY_HASHES)."""
    return _DUMMY_HASHES[s.password_hashing]


def keyed_hash(s: SecuritySettings, secret: str) -> str:
    key = s.secret_key.encode()
    return hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()


def new_token(prefix: str, nbytes: int = 32) -> str:
    return f"{prefix}_{secrets.token_urlsafe(nbytes)}"


def generate_password() -> str:
    return secrets.token_urlsafe(15)
