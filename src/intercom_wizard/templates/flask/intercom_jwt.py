"""Intercom identity verification: a short-lived JWT for the signed-in user.

Added by intercom-wizard. The Messenger script on each page fetches this token
and boots with it, so Intercom can trust who the user is. The signing secret is
read from the INTERCOM_IDENTITY_SECRET environment variable and never leaves
the server.
"""

import os
import time

import jwt
__IW_IMPORTS__

bp = Blueprint("intercom_jwt", __name__)
# iw:if cors=cookie|bearer

# The pages are served from another origin: allow exactly that one.
# iw:end
# iw:if cors=cookie
CORS(bp, origins=["__IW_FRONTEND_ORIGIN__"], supports_credentials=True)
# iw:end
# iw:if cors=bearer
CORS(bp, origins=["__IW_FRONTEND_ORIGIN__"])
# iw:end

TOKEN_LIFETIME_SECONDS = 2 * 60 * 60


__IW_USER_CLAIMS__


# iw:if route=get
@bp.get("__IW_ENDPOINT__")
# iw:end
# iw:if route=route
@bp.route("__IW_ENDPOINT__", methods=["GET"])
# iw:end
# iw:if token=jwt_required
@jwt_required(optional=True)
# iw:end
# iw:if token=jwt_optional
@jwt_optional
# iw:end
# iw:if token=httpauth
@__IW_AUTH_VAR__.login_required(optional=True)
# iw:end
def intercom_jwt():
    claims = signed_in_user_claims()
    if claims is None:
        return jsonify(error="Not signed in"), 401
    secret = os.environ.get("INTERCOM_IDENTITY_SECRET")
    if not secret:
        current_app.logger.error(
            "INTERCOM_IDENTITY_SECRET is not set: cannot sign Intercom identity tokens",
        )
        return jsonify(error="Identity verification is not configured"), 500
    now = int(time.time())
    payload = {key: value for key, value in claims.items() if value is not None}
    payload.update(iat=now, exp=now + TOKEN_LIFETIME_SECONDS)
    # iw:if pyjwt=2
    return jsonify(token=jwt.encode(payload, secret, algorithm="HS256"))
    # iw:end
    # iw:if pyjwt=1
    token = jwt.encode(payload, secret, algorithm="HS256")
    # PyJWT 1.x (which Flask-JWT-Extended 3 requires) returns bytes.
    return jsonify(token=token.decode("ascii") if isinstance(token, bytes) else token)
    # iw:end


@bp.after_request
def never_cache(response):
    response.headers["Cache-Control"] = "no-store"
    return response
