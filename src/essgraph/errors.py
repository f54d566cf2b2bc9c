"""One error hierarchy for the whole tool: every failure a user can act on is an :class:`EssgraphError`.

The CLI maps them to documented exit codes (``exit_code``); the web layer maps :class:`HttpError` and
:class:`QueryError` (which carries the HTTP ``status`` and a stable ``code`` without importing anything of HTTP) to one
JSON/HTML error body. Errors cross process boundaries pickled (query workers send them to the server).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_INPUT = 2
EXIT_UNAVAILABLE = 3
EXIT_INTERRUPTED = 130


class EssgraphError(Exception):
    """A failure with a message for a person: what was wrong, where, and (``hint``) what to do."""

    exit_code = EXIT_INPUT

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class InternalError(EssgraphError):
    """A check of essgraph's own output failed (a bug or an unexpected library version, not the user's input):
    the build stops rather than publish a broken file."""


class ConfigError(EssgraphError):
    """The project file or a setting is wrong."""


class RdfSyntaxError(EssgraphError):
    """A source file cannot be parsed; the message names file, line and column."""

    def __init__(self, path: str, line: int | None, column: int | None, detail: str):
        where = path if line is None else f"{path}:{line}:{column or 0}"
        super().__init__(f"{where}: syntax error: {detail}", hint="fix the file and build again")
        self.path, self.line, self.column, self.detail = path, line, column, detail


class ValidationFailed(EssgraphError):
    """The data does not conform to the shapes (violations, not warnings)."""

    exit_code = EXIT_VIOLATIONS


class ShapesError(EssgraphError):
    """The shapes graph cannot be used (an unknown engine, a feature the chosen engine does not evaluate, a bad path)."""


class StoreError(EssgraphError):
    """The store is missing, locked or unusable."""


class OutputError(EssgraphError):
    """A file or folder cannot be written: no permission, a file where a folder is needed, a full disk."""

    @classmethod
    def from_os_error(cls, exc: OSError, what: str, hint: str | None = None) -> "OutputError":
        reason = exc.strerror or str(exc)
        if isinstance(exc, (FileExistsError, NotADirectoryError)):
            reason = "a file is where a folder is needed"
        where = str(exc.filename) if exc.filename else None
        detail = f"{where}: {reason}" if where and not what.endswith(where) else reason
        return cls(
            f"cannot write {what}: {detail}", hint or "check that the folder exists and that this user may write there"
        )


class ServeError(EssgraphError):
    """The server cannot listen where it is told to (the address is in use, or not this machine's)."""

    exit_code = EXIT_UNAVAILABLE


class QueryError(EssgraphError):
    """A SPARQL query that is not answered, for the same reasons from the command line and over HTTP.

    ``code`` is stable and machine-readable (the JSON error body says it); ``status`` is the HTTP status the web
    layer answers with; ``retry_after`` (seconds) is set when the same query may succeed later. Subclasses give
    the defaults of each family; a raise site may name a more precise ``code``.
    """

    status = 400
    code = "query_failed"

    def __init__(
        self,
        message: str,
        hint: str | None = None,
        *,
        code: str | None = None,
        status: int | None = None,
        retry_after: int | None = None,
    ):
        super().__init__(message, hint)
        self.code = code or type(self).code
        self.status = status or type(self).status
        self.retry_after = retry_after


class QuerySyntaxError(QueryError):
    """The text is not a SPARQL 1.1 query; the message gives line and column."""

    code = "malformed_query"


class QueryRefused(QueryError):
    """A query this tool never runs: an update (``read_only``), ``SERVICE`` or another request to the network."""

    status = 403
    code = "read_only"


class QueryParameterError(QueryError):
    """A named query's parameter is missing, unknown or not of its type."""

    code = "bad_parameter"


class QueryLimitError(QueryError):
    """The query passed a limit: rows (``too_many_results``), time (``query_timeout``, 504), memory
    (``query_stopped``, 503), or it cannot be written in the asked format (``not_representable``, 406)."""

    code = "too_many_results"


class QueryUnavailable(QueryError):
    """The query service cannot take the query: not started, every worker busy, or no kernel sandbox here."""

    status = 503
    code = "not_started"
    exit_code = EXIT_UNAVAILABLE


class HttpError(EssgraphError):
    """An error answered over HTTP with ``status`` and a stable machine-readable ``code``."""

    def __init__(
        self, status: int, code: str, message: str, hint: str | None = None, headers: dict[str, str] | None = None
    ):
        super().__init__(message, hint)
        self.status = status
        self.code = code
        self.headers = headers or {}
