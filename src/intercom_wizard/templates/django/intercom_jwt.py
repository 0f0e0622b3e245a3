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
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
# iw:if view=session
from django.views.decorators.http import require_GET
# iw:end
# iw:if view=drf
from rest_framework.decorators import api_view, permission_classes
# iw:end
# iw:if view=drf_classes
from rest_framework.decorators import (
    api_view,
    authentication_classes,
    permission_classes,
)
# iw:end
# iw:if view=drf|drf_classes
from rest_framework.permissions import IsAuthenticated
# iw:end
__IW_VIEW_CLASS_IMPORTS__

TOKEN_LIFETIME_SECONDS = 2 * 60 * 60

logger = logging.getLogger(__name__)

__IW_HELPER__

# iw:if view=session
@require_GET
@never_cache
# iw:end
# iw:if view=drf|drf_classes
@never_cache
@api_view(["GET"])
# iw:end
# iw:if view=drf_classes
@authentication_classes(__IW_VIEW_CLASSES__)
# iw:end
# iw:if view=drf|drf_classes
@permission_classes([IsAuthenticated])
# iw:end
def intercom_jwt(request):
    user = request.user
    # A 401, not a redirect to the login page: the Messenger then boots anonymously.
    if not user.is_authenticated:
        return JsonResponse({"error": "Not signed in"}, status=401)
    secret = os.environ.get("INTERCOM_IDENTITY_SECRET")
    if not secret:
        logger.error(
            "INTERCOM_IDENTITY_SECRET is not set: cannot sign Intercom identity tokens",
        )
        return JsonResponse(
            {"error": "Identity verification is not configured"},
            status=500,
        )
    now = int(time.time())
    # iw:if user_model=default
    claims = {
        "user_id": str(user.pk),
        "email": user.email,
        "name": user.get_full_name() or user.get_username(),
    }
    # iw:end
    # iw:if user_model=custom
    claims = {
        "user_id": str(user.pk),
        "email": getattr(user, user.get_email_field_name(), None),
        "name": user_attribute(
            user,
            "name",
            "full_name",
            "get_full_name",
            "display_name",
            "get_username",
        ),
    }
    # iw:end
    payload = {key: value for key, value in claims.items() if value}
    payload.update(iat=now, exp=now + TOKEN_LIFETIME_SECONDS)
    return JsonResponse({"token": jwt.encode(payload, secret, algorithm="HS256")})
