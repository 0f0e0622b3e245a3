# What to change for Flask-JWT-Extended; the first line is dropped.
# In the login view: access_token = create_access_token(identity=str(user.id))  (the primary key), then:
def signed_in_user_claims():
    if get_jwt_identity() is None:
        return None
    return {"user_id": str(get_jwt_identity())}
