"""Password hashing (argon2id) and keyed hashes for tokens and API keys (HMAC-SHA256 with the secret key):
a leaked database alone gives neither passwords nor usable keys."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from service.runtime import get_settings

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# A fixed hash to verify against when the e-mail is unknown, so timing does not reveal which e-mails exist.
DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def keyed_hash(secret: str) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()


def new_token(prefix: str, nbytes: int = 32) -> str:
    return f"{prefix}_{secrets.token_urlsafe(nbytes)}"


def generate_password() -> str:
    return secrets.token_urlsafe(15)
