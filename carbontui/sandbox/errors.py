"""Platform-shaped JSON errors and the handlers that render them."""

from __future__ import annotations

from http import HTTPStatus

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response


class OAuthError(Exception):
    """An RFC 6749 token/userinfo error: ``{"error": ..., "error_description": ...}``."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description


class ApiError(Exception):
    """A resource API error: ``{"statusCode": ..., "message": ..., "error": reason}``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def api_error_body(status: int, message: str) -> dict[str, object]:
    """The JSON body both resource APIs use for errors."""
    return {"statusCode": status, "message": message, "error": HTTPStatus(status).phrase}


async def handle_oauth_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, OAuthError)
    headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
    if exc.status == 401:
        headers["WWW-Authenticate"] = f'Bearer error="{exc.error}"'
    body = {"error": exc.error, "error_description": exc.description}
    return JSONResponse(body, status_code=exc.status, headers=headers)


async def handle_api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'} if exc.status == 401 else None
    return JSONResponse(api_error_body(exc.status, exc.message), exc.status, headers=headers)


async def handle_http_exception(request: Request, exc: Exception) -> Response:
    """Unknown routes (404) and wrong methods (405), NestJS-style JSON instead of plain text."""
    assert isinstance(exc, HTTPException)
    message = f"Cannot {request.method} {request.url.path}"
    if exc.status_code not in (404, 405):
        message = str(exc.detail)
    return JSONResponse(
        api_error_body(exc.status_code, message), exc.status_code, headers=exc.headers
    )
