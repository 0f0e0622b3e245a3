# The signed_in_user_claims() dependency of intercom_jwt.py, one variant per way the app knows its
# user (`lookup`; `cookie_call` says how the cookie variant calls the app's function); `claims`
# picks the returned dict (or None when the user has no id field). These opening comment lines
# are dropped.
# iw:if users_object=yes
__IW_DEPENDENCY__ = __IW_USERS_OBJECT__.current_user(active=True)


# iw:end
# iw:if lookup=optional
async def signed_in_user_claims(
    user: Annotated[__IW_USER_TYPE__, Depends(__IW_DEPENDENCY__)],
) -> dict[str, Any] | None:
    """Identity claims for the user __IW_DEPENDENCY__ returns, or None when nobody is
    signed in."""
    if user is None:
        return None
# iw:end
# iw:if lookup=required
async def signed_in_user_claims(
    user: Annotated[__IW_USER_TYPE__, Depends(__IW_DEPENDENCY__)],
) -> dict[str, Any]:
    """Identity claims for the user __IW_DEPENDENCY__ authenticates (it answers 401
    itself otherwise)."""
# iw:end
# iw:if lookup=session_record
async def signed_in_user_claims(request: Request) -> dict[str, Any] | None:
    """Identity claims for the user the app keeps in its session, or None."""
    user = request.session.get("__IW_SESSION_KEY__")
    if user is None:
        return None
# iw:end
# iw:if lookup=cookie
async def signed_in_user_claims(request: Request) -> dict[str, Any] | None:
    """Identity claims for the user the app's own pages find with __IW_DEPENDENCY__()
    in their cookie, or None when nobody is signed in."""
# iw:end
# iw:if cookie_call=await_token|token
    token = request.cookies.get("__IW_COOKIE__")
    if not token:
        return None
# iw:end
# iw:if cookie_call=await_request|request
    if not request.cookies.get("__IW_COOKIE__"):
        return None  # a visitor: the app's own lookup may not expect a missing cookie
# iw:end
# iw:if lookup=cookie
    try:
# iw:end
# iw:if cookie_call=await_token
        user = await __IW_DEPENDENCY__(token)
# iw:end
# iw:if cookie_call=token
        user = __IW_DEPENDENCY__(token)
# iw:end
# iw:if cookie_call=await_request
        user = await __IW_DEPENDENCY__(request)
# iw:end
# iw:if cookie_call=request
        user = __IW_DEPENDENCY__(request)
# iw:end
# iw:if lookup=cookie
    except HTTPException:
        return None  # an expired or forged token: nobody is signed in
    if user is None:
        return None
# iw:end
# iw:if claims=dict
    return {
        "user_id": __IW_USER_ID__,
# iw:end
# iw:if email=yes
        "email": __IW_EMAIL__,
# iw:end
# iw:if name=yes
        "name": __IW_DISPLAY_NAME__,
# iw:end
# iw:if claims=dict
    }
# iw:end
# iw:if claims=no_id
    return None  # no id field was found: see the manual step
# iw:end
# iw:if lookup=session_id
async def signed_in_user_claims(request: Request) -> dict[str, Any] | None:
    """Identity claims for the user whose id the app keeps in its session, or None."""
    user_id = request.session.get("__IW_SESSION_KEY__")
    if user_id is None:
        return None
    return {"user_id": str(user_id)}
# iw:end
# iw:if lookup=bearer_stub
def signed_in_user_claims(
    token: Annotated[str, Depends(__IW_DEPENDENCY__)],
) -> dict[str, Any] | None:
    """Identity claims for the user the bearer token belongs to, or None.

    intercom-wizard found the API's __IW_SCHEME__ but no dependency that turns its
    token into a user, so this fails closed: without a token the scheme answers 401,
    and with one this answers 401 too until it returns
    {"user_id": ..., "email": ..., "name": ...}.
    """
    return None
# iw:end
# iw:if lookup=stub
def signed_in_user_claims() -> dict[str, Any] | None:
    """Identity claims for the signed-in user, or None when nobody is signed in.

    intercom-wizard found no authentication it knows, so this fails closed (401 for
    everyone). Depend on your current-user dependency here and return
    {"user_id": ..., "email": ..., "name": ...} for the signed-in user.
    """
    return None
# iw:end
