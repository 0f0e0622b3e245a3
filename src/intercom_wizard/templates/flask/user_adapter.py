# What to put in signed_in_user_claims(); the first line is dropped.
def signed_in_user_claims():
    # from flask import session; in the login view, once the password is verified:
    #     session["user_id"] = user["id"]
    user_id = session.get("user_id")
    if user_id is None:
        return None
    return {
        "user_id": str(user_id),
        "email": session.get("email"),
        "name": session.get("name"),
    }
