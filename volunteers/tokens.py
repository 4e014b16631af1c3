"""Personal links: only a hash of the token is stored. A leaf, so that selectors (find by
token) and services (issue a token) both use it without importing each other."""

import hashlib


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
