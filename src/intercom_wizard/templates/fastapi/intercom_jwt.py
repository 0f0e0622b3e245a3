"""Intercom identity verification: a short-lived JWT for the signed-in user.

Added by intercom-wizard. The Messenger fetches this token and boots with it,
so Intercom can trust who the user is. The signing secret is read from the
INTERCOM_IDENTITY_SECRET environment variable and never leaves the server.
"""

import logging
import os
import time
from collections.abc import Callable, Coroutine
# iw:if serve_script=yes
from pathlib import Path
# iw:end
from typing import Annotated, Any

import jwt
from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from fastapi.exception_handlers import http_exception_handler
# iw:if serve_script=yes
from fastapi.responses import FileResponse
# iw:end
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException
__IW_IMPORTS__
TOKEN_LIFETIME_SECONDS = 2 * 60 * 60

logger = logging.getLogger(__name__)
# iw:if cors=cookie|bearer

# The pages are served from another origin: the token route answers that one only.
FRONTEND_ORIGIN = "__IW_FRONTEND_ORIGIN__"
CORS_HEADERS = {
    "Access-Control-Allow-Origin": FRONTEND_ORIGIN,
    # iw:end
    # iw:if cors=cookie
    "Access-Control-Allow-Credentials": "true",
    # iw:end
    # iw:if cors=cookie|bearer
    "Vary": "Origin",
}
# iw:end


class TokenRoute(APIRoute):
    """Adds the token's response headers to every answer, error answers included."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def token_route_handler(request: Request) -> Response:
            headers = {"Cache-Control": "no-store"}
            # iw:if cors=cookie|bearer
            if request.headers.get("origin") == FRONTEND_ORIGIN:
                headers.update(CORS_HEADERS)
            # iw:end
            try:
                response = await handler(request)
            except StarletteHTTPException as exc:
                # Answered here, not by the app's exception handlers, so that the
                # 401 gets these headers too.
                response = await http_exception_handler(request, exc)
            response.headers.update(headers)
            return response

        return token_route_handler


router = APIRouter(route_class=TokenRoute)


__IW_USER_CLAIMS__


# async: it only signs (microseconds, no I/O), so it runs on the event loop instead of
# costing a trip through the thread pool on every request, as a plain `def` endpoint
# would.
@router.get("__IW_ENDPOINT__")
async def intercom_jwt(
    claims: Annotated[dict[str, Any] | None, Depends(signed_in_user_claims)],
) -> dict[str, str]:
    if claims is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Not signed in")
    secret = os.environ.get("INTERCOM_IDENTITY_SECRET")
    if not secret:
        logger.error(
            "INTERCOM_IDENTITY_SECRET is not set: cannot sign Intercom identity tokens",
        )
        raise HTTPException(
            status.HTTP_500_INTERNAL_SERVER_ERROR,
            "Identity verification is not configured",
        )
    now = int(time.time())
    payload = {key: value for key, value in claims.items() if value is not None}
    payload.update(iat=now, exp=now + TOKEN_LIFETIME_SECONDS)
    return {"token": jwt.encode(payload, secret, algorithm="HS256")}
# iw:if cors=bearer


@router.options("__IW_ENDPOINT__")
def intercom_jwt_preflight() -> Response:
    """The browser asks before it sends the Authorization header cross-origin."""
    return Response(
        status_code=status.HTTP_204_NO_CONTENT,
        headers={
            "Access-Control-Allow-Methods": "GET",
            "Access-Control-Allow-Headers": "Authorization",
        },
    )
# iw:end
# iw:if serve_script=yes


# The app has no StaticFiles mount, so this router serves the Messenger script its pages load (the
# file beside this module). A plain APIRoute: the script may be cached, unlike the token.
MESSENGER_SCRIPT = Path(__file__).parent / "__IW_SCRIPT_NAME__"


async def intercom_messenger_script() -> FileResponse:
    return FileResponse(MESSENGER_SCRIPT, media_type="text/javascript")


router.add_api_route(
    "__IW_SCRIPT_PATH__",
    intercom_messenger_script,
    methods=["GET"],
    include_in_schema=False,
    route_class_override=APIRoute,
)
# iw:end
