# The signed_in_user_claims() of intercom_jwt.py, one variant per way the app knows its user
# (`lookup`); `email`/`name` keep the claims the user has. The opening comment lines are dropped.
# iw:if lookup=flask_login
def signed_in_user_claims():
    """Identity claims for the user Flask-Login has signed in, or None."""
    if not current_user.is_authenticated:
        return None
# iw:end
# iw:if lookup=jwt|jwt_user
def signed_in_user_claims():
    """Identity claims for the user of the request's access token, or None."""
    if get_jwt_identity() is None:
        return None
# iw:end
# iw:if lookup=jwt_user
    user = get_current_user()
# iw:end
# iw:if lookup=jwt
    return {"user_id": str(get_jwt_identity())}
# iw:end
# iw:if lookup=g_user
def signed_in_user_claims():
    """Identity claims for the user the app loaded into g.user, or None."""
    user = g.get("user")
    if user is None:
        return None
# iw:end
# iw:if lookup=session
def signed_in_user_claims():
    """Identity claims for the user whose id __IW_SESSION_FILE__ keeps in
    session["__IW_SESSION_KEY__"], or None."""
    if session.get("__IW_SESSION_KEY__") is None:
        return None
# iw:end
# iw:if lookup=httpauth
def signed_in_user_claims():
    """Identity claims for the user the app's __IW_AUTH_VAR__.verify_token returned for the
    request's bearer token (Flask-HTTPAuth), or None."""
    user = __IW_AUTH_VAR__.current_user()
    if not user:  # None without a token; False when verify_token refused it
        return None
# iw:end
# iw:if lookup=flask_login|jwt_user|g_user|session|httpauth
    return {
        "user_id": __IW_USER_ID__,
# iw:end
# iw:if email=yes
        "email": __IW_EMAIL__,
# iw:end
# iw:if name=yes
        "name": __IW_DISPLAY_NAME__,
# iw:end
# iw:if lookup=flask_login|jwt_user|g_user|session|httpauth
    }
# iw:end
