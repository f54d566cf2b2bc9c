"""The app's exception handlers: every known failure becomes an :class:`~essgraph.errors.HttpError` answered by
:func:`essgraph.web.http.error_response` (in the negotiated format); anything else is logged and masked as a 500.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from essgraph.errors import HttpError, QueryError
from essgraph.web.headers import allow_header
from essgraph.web.http import error_body, error_response

log = logging.getLogger("essgraph.web")


def http_error(exc: QueryError) -> HttpError:
    """The HTTP answer to a query that is not answered: the status and code it carries, Retry-After if set."""
    headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
    return HttpError(exc.status, exc.code, exc.message, exc.hint, headers=headers)


# Starlette types every handler as taking an Exception; each is registered for one class only.


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HttpError)
    return error_response(request, exc)


async def _query_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, QueryError)
    return error_response(request, http_error(exc))


async def _starlette_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    path = request.url.path
    if exc.status_code == 404:
        error = HttpError(404, "not_found", f"nothing is published at {path}")
    elif exc.status_code == 405:
        allow = allow_header((getattr(exc, "headers", None) or {}).get("Allow", ""))
        error = HttpError(
            405,
            "method_not_allowed",
            f"{request.method} is not allowed on {path}",
            f"this address answers {allow}",
            headers={"Allow": allow},
        )
    else:
        error = HttpError(exc.status_code, "http_error", str(exc.detail), headers=getattr(exc, "headers", None))
    return error_response(request, error)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors())
    return error_response(request, HttpError(400, "bad_request", f"invalid request parameters: {problems}"))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return JSONResponse(
        error_body(500, "internal_error", "the server failed to answer; the error was logged"), status_code=500
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(HttpError, _http_error)
    app.add_exception_handler(QueryError, _query_error)
    app.add_exception_handler(StarletteHTTPException, _starlette_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
