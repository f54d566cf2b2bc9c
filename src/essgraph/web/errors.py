"""One error body for every HTTP error; unexpected failures are logged and masked as a plain 500."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from essgraph.errors import HttpError

log = logging.getLogger("essgraph.web")


def error_body(status: int, code: str, message: str, hint: str | None = None) -> dict:
    error = {"status": status, "code": code, "message": message}
    if hint:
        error["hint"] = hint
    return {"error": error}


def error_response(exc: HttpError) -> JSONResponse:
    return JSONResponse(error_body(exc.status, exc.code, exc.message, exc.hint), status_code=exc.status,
                        headers=exc.headers)


async def _http_error(request: Request, exc: HttpError) -> JSONResponse:
    return error_response(exc)


async def _starlette_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    message = {404: f"nothing is published at {request.url.path}",
               405: f"{request.method} is not allowed on {request.url.path}"}.get(exc.status_code, str(exc.detail))
    return JSONResponse(error_body(exc.status_code, code, message), status_code=exc.status_code,
                        headers=getattr(exc, "headers", None))


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    problems = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors())
    return JSONResponse(error_body(400, "bad_request", f"invalid request parameters: {problems}"), status_code=400)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return JSONResponse(error_body(500, "internal_error", "the server failed to answer; the error was logged"),
                        status_code=500)


def install(app: FastAPI) -> None:
    app.add_exception_handler(HttpError, _http_error)
    app.add_exception_handler(StarletteHTTPException, _starlette_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
