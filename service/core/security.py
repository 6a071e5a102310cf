"""Password hashing (argon2id) and keyed hashes for tokens and API keys (HMAC-SHA256 with the secret key):
a leaked database alone gives neither passwords nor usable keys."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from service.core.runtime import get_settings

# argon2-cffi's defaults (RFC 9106 low-memory) in service; its cheapest parameters when the settings ask for
# them (the test suite). A hash carries its own parameters, so either hasher verifies any stored hash.
_HASHERS = {"standard": PasswordHasher(), "cheap": PasswordHasher.from_parameters(profiles.CHEAPEST)}

# A fixed hash per profile to verify against when the e-mail is unknown, so timing does not reveal which
# e-mails exist (made once at import: it costs what one login costs).
_DUMMY_HASHES = {name: hasher.hash(secrets.token_urlsafe(16)) for name, hasher in _HASHERS.items()}


def _hasher() -> PasswordHasher:
    return _HASHERS[get_settings().security.password_hashing]


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def dummy_hash() -> str:
    """A hash no password matches, made with the current parameters (see _DUMMY_HASHES)."""
    return _DUMMY_HASHES[get_settings().security.password_hashing]


def keyed_hash(secret: str) -> str:
    key = get_settings().security.secret_key.encode()
    return hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()


def new_token(prefix: str, nbytes: int = 32) -> str:
    return f"{prefix}_{secrets.token_urlsafe(nbytes)}"


def generate_password() -> str:
    return secrets.token_urlsafe(15)
