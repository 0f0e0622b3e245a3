"""Minting and checking identity tokens exactly as the generated endpoints do (PyJWT, HS256)."""

import time
from typing import Any

import jwt

TOKEN_LIFETIME_SECONDS = 2 * 60 * 60
MAX_LIFETIME_SECONDS = 24 * 60 * 60


def mint(secret: str, user_id: str, email: str | None = None, name: str | None = None, expires_in: int = TOKEN_LIFETIME_SECONDS) -> str:
    now = int(time.time())
    claims: dict[str, str | int] = {"user_id": user_id, "iat": now, "exp": now + expires_in}
    if email:
        claims["email"] = email
    if name:
        claims["name"] = name
    return jwt.encode(claims, secret, algorithm="HS256")


def check(token: str, secret: str) -> dict[str, Any]:  # the claims, JSON values of any type
    """Verify a token the way enforced identity verification does; raises jwt.InvalidTokenError."""
    header = jwt.get_unverified_header(token)
    if header.get("alg") != "HS256":
        raise jwt.InvalidAlgorithmError(f"alg is {header.get('alg')!r}, expected HS256")
    claims = jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["user_id", "exp"]})
    if not isinstance(claims["user_id"], str) or not claims["user_id"]:
        raise jwt.InvalidTokenError("user_id must be a non-empty string")
    if claims["exp"] > time.time() + MAX_LIFETIME_SECONDS:
        raise jwt.InvalidTokenError("exp is more than 24 hours away (milliseconds instead of seconds?)")
    return claims
