# The adapter the Flask token endpoint calls (intercom_jwt.py); the first line is dropped.
def signed_in_user_claims() -> dict[str, str | None] | None:
    """Identity claims for the signed-in user, or None when nobody is signed in.

    intercom-wizard found no evidence of the signed-in user's id in the login code, so
    this adapter fails closed (401 for everyone) until you fill it in: return
    {"user_id": <the user's primary key>, "email": ..., "name": ...}. Never a "signed
    in" flag, a literal or a display name: every user would share it.
    """
    return None
