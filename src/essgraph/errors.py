"""One error hierarchy for the whole tool: every failure a user can act on is an :class:`EssgraphError`.

The CLI maps them to documented exit codes; the web layer maps :class:`HttpError` to one JSON/HTML error body.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_INPUT = 2
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


class StoreError(EssgraphError):
    """The store is missing, locked or unusable."""


class QueryError(EssgraphError):
    """A SPARQL query is malformed or cannot be run."""


class HttpError(EssgraphError):
    """An error answered over HTTP with ``status`` and a stable machine-readable ``code``."""

    def __init__(self, status: int, code: str, message: str, hint: str | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(message, hint)
        self.status = status
        self.code = code
        self.headers = headers or {}
