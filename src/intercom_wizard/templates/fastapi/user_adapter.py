# What signed_in_user_claims() in intercom_jwt.py should be; the first line is dropped.
def signed_in_user_claims(
    user: Annotated[Any, Depends(get_current_user)],
) -> dict[str, Any] | None:
    # get_current_user: your dependency returning the signed-in user (or None);
    # user.id: its primary key.
    if user is None:
        return None
    return {
        "user_id": str(user.id),
        "email": getattr(user, "email", None),
        "name": getattr(user, "name", None),
    }
