"""All settings in one model: each is a field with a help text, set by a CLI flag or an ``ESSGRAPH_*`` variable.

Precedence: command-line flag > environment variable > default.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SHACL_ENGINES = ("auto", "essgraph", "pyshacl")
LOG_LEVELS = ("debug", "info", "warning", "error")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ESSGRAPH_", extra="forbid", validate_default=True)

    config: Path = Field(Path("essgraph.toml"), description="The project file listing the sources to publish.")
    store: Path = Field(
        Path("var/store"),
        description="Folder of the on-disk store (builds are made aside in it and swapped in atomically).",
    )
    base_iri: str = Field(
        "http://127.0.0.1:8000/",
        description="Public URL of the deployment; instance IRIs are minted under it. Change it and rebuild to publish elsewhere.",
    )
    host: str = Field("127.0.0.1", description="Address the server listens on.")
    port: int = Field(8000, ge=1, le=65535, description="Port the server listens on.")
    workers: int = Field(1, ge=1, le=64, description="Number of server worker processes.")
    query_timeout_s: float = Field(
        10.0,
        gt=0,
        le=3600,
        description="Time limit of one SPARQL query, in seconds; a query over it is stopped and answered with an error.",
    )
    max_result_rows: int = Field(
        10_000,
        ge=1,
        description="Most rows (or triples) one query may return; more is an error, never a silent truncation.",
    )
    max_concurrent_queries: int = Field(
        4, ge=1, le=256, description="Query worker processes: the most queries evaluated at once; more wait in a queue."
    )
    max_queries_per_client: int = Field(
        2,
        ge=1,
        le=256,
        description="Most queries one client (IP address) may have running at once; its other queries wait their turn.",
    )
    query_queue_wait_s: float = Field(
        5.0,
        ge=0,
        le=600,
        description="How long a query may wait for a free query worker before it is answered 503 (429 when its client is at its cap) with Retry-After.",
    )
    max_queued_queries: int = Field(
        100,
        ge=0,
        le=100_000,
        description="Most queries waiting for a worker at once; more are answered 503 with Retry-After at once.",
    )
    fast_query_s: float = Field(
        0.5,
        gt=0,
        le=60,
        description="A query whose last run took at most this many seconds is fast: a quarter of the workers is kept for fast (and new) queries, so runaway queries never starve cheap ones; a new query that runs longer there is stopped and queued again with the slow ones.",
    )
    max_answer_bytes: int = Field(
        64 << 20,
        ge=1024,
        description="Largest SPARQL answer, in bytes (default 64 MiB); a larger one is an error naming this setting, never a truncated answer.",
    )
    max_request_bytes: int = Field(
        1_000_000, ge=1024, description="Largest accepted request body or query string, in bytes (413 above)."
    )
    query_memory_mib: int = Field(
        2048,
        ge=0,
        description="Memory one SPARQL query may use beyond the shared in-memory store, in MiB; a query over it is stopped with an error (0: no limit).",
    )
    shacl_engine: str = Field(
        "auto",
        description="SHACL Core engine of the build: essgraph (fast, reads the data through pyoxigraph), pyshacl (the reference implementation), or auto (essgraph when it supports every feature the shapes use).",
    )
    log_level: str = Field("info", description="Log level: debug, info, warning or error.")
    keep_builds: int = Field(
        2,
        ge=1,
        le=1000,
        description="Builds kept in the store folder after a build: the most recent ones; a build still used by a running server or command is never deleted, whatever this number.",
    )
    catalog_page_size: int = Field(
        100,
        ge=1,
        le=10_000,
        description="Most datasets on one page of the DCAT-AP catalog (/catalog); more are paged with Hydra (?page=2, hydra:next).",
    )

    response_cache_mib: int = Field(
        128,
        ge=0,
        le=65_536,
        description="Memory for the answers kept per build (pages, Turtle/JSON-LD descriptions, catalog, VoID), in MiB, per server process; dropped when another build goes live (0: nothing kept).",
    )

    @field_validator("base_iri")
    @classmethod
    def _check_base(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
            raise ValueError(
                "must be an absolute http(s) URL without query or fragment, e.g. https://data.example.org/"
            )
        return value if value.endswith("/") else value + "/"

    @field_validator("shacl_engine")
    @classmethod
    def _check_engine(cls, value: str) -> str:
        return _one_of(value, SHACL_ENGINES)

    @field_validator("log_level")
    @classmethod
    def _check_level(cls, value: str) -> str:
        return _one_of(value.lower(), LOG_LEVELS)


def _one_of(value: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise ValueError("must be one of " + ", ".join(choices))
    return value


def describe_settings() -> list[tuple[str, str, str, str]]:
    """(field, environment variable, default, help) for every setting: the README's table is checked against it."""
    rows = []
    for name, info in Settings.model_fields.items():
        rows.append((name, f"ESSGRAPH_{name.upper()}", str(info.default), info.description or ""))
    return rows
