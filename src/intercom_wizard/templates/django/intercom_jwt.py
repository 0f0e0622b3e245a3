"""Intercom identity verification: a short-lived JWT for the signed-in user.

Added by intercom-wizard. The Messenger script on each page fetches this token
and boots with it, so Intercom can trust who the user is. The signing secret is
read from the INTERCOM_IDENTITY_SECRET environment variable and never leaves
the server.
"""

import logging
import os
import time

import jwt
__IW_IMPORTS__

TOKEN_LIFETIME_SECONDS = 2 * 60 * 60

logger = logging.getLogger(__name__)

__IW_HELPER__

__IW_DECORATORS__
def intercom_jwt(request):
    user = request.user
    # A 401, not a redirect to the login page: the Messenger then boots anonymously.
    if not user.is_authenticated:
        return JsonResponse({"error": "Not signed in"}, status=401)
    secret = os.environ.get("INTERCOM_IDENTITY_SECRET")
    if not secret:
        logger.error("INTERCOM_IDENTITY_SECRET is not set: cannot sign Intercom identity tokens")
        return JsonResponse({"error": "Identity verification is not configured"}, status=500)
    now = int(time.time())
    claims = __IW_CLAIMS__
    payload = {key: value for key, value in claims.items() if value}
    payload.update(iat=now, exp=now + TOKEN_LIFETIME_SECONDS)
    return JsonResponse({"token": jwt.encode(payload, secret, algorithm="HS256")})
