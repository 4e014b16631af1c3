"""Secret links (an offer, a volunteer's or an employee's own link, a task, a calendar feed): the
token is random and only its hash is stored, so a leaked table holds no working link."""

import hashlib
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
