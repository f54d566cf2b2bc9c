"""The build the server publishes, swapped while it runs: new builds go live without a restart.

:class:`Live` holds the :class:`~essgraph.web.published.Published` build being served and replaces it, never
changes it. Every request takes the current one once, when it starts (:class:`HoldBuild`, read by
``deps.published``), and keeps it to its last byte, so that health, ETags, pages, SPARQL, the catalog, VoID and the
dumps of one answer always come from one build; a replaced build is let go (workers stopped, store freed, lease
released) when its last request ends.

What makes the current build change (one task, :meth:`Live._supervise`, polling every ``POLL_S``):

* a new build: ``current`` points elsewhere. The new build is served from its on-disk store as soon as its query
  workers are up (well under a second), then from its copy in memory once that is loaded aside.
* the server's own start: the same two steps, so the server answers at once whatever the size of the data.
* a broken query engine (its zygote died): the same build is opened again, on disk then in memory, with new
  query processes; SPARQL is unavailable meanwhile (``ready`` False: health says "degraded", /-/ready 503).

A build made for another base IRI is refused (logged, shown by health) and the current one kept.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime, timezone

from essgraph.build.builds import StoreDir, take_lease
from essgraph.errors import EssgraphError
from essgraph.settings import Settings
from essgraph.sparql.admission import Admission
from essgraph.sparql.engine import QueryEngine
from essgraph.web.published import Published, check_base, current_build, load_in_memory, open_on_disk

log = logging.getLogger("essgraph.web")
POLL_S = 0.5


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


class Live:
    def __init__(self, settings: Settings, first: Published):
        self.settings = settings
        self.store_dir = StoreDir(settings.store)
        self.current = first
        self.admission = Admission(
            settings.max_concurrent_queries,
            settings.max_queries_per_client,
            settings.query_queue_wait_s,
            settings.max_queued_queries,
            settings.fast_query_s,
        )
        self.pending: dict | None = None  # a build being loaded, or refused
        self.outage: dict | None = None  # SPARQL unavailable since...
        self.last_outage: dict | None = None
        self.outages = 0
        self._retiring: list[Published] = []  # replaced, not closed yet
        self._closing: set[Published] = set()
        self._target = self._link_of(first)
        self._refused: str | None = None
        self._reopen = False
        self._wake: asyncio.Event | None = None
        self._tasks: set[asyncio.Task] = set()

    @classmethod
    def open(cls, settings: Settings) -> "Live":
        """The current build on disk, leased and checked (fails with a clear StoreError)."""
        build, lease = current_build(settings)
        return cls(settings, open_on_disk(build, lease))

    def _link_of(self, published: Published) -> str:
        return str(published.build.path.relative_to(self.store_dir.root))

    # -- requests ----------------------------------------------------------------------------------------------

    def acquire(self) -> Published:
        published = self.current
        published.users += 1
        return published

    def release(self, published: Published) -> None:
        published.users -= 1
        if published.users == 0 and published in self._retiring:
            self._spawn(self._close(published))

    @property
    def ready(self) -> bool:
        engine = self.current.engine
        return engine is not None and engine.ready

    def status(self, published: Published) -> dict:
        """What health shows: the request's build and store, what comes next, the state of SPARQL."""
        engine = self.current.engine
        sparql = engine.status() if engine else {"ready": False, "broken": "not started"}
        outage = {k: v for k, v in self.outage.items() if not k.startswith("_")} if self.outage else None
        sparql.update(
            admission=self.admission.status(), outages=self.outages, outage=outage, last_outage=self.last_outage
        )
        return {"store": published.mode, "build": published.build.id, "next": self.pending, "sparql": sparql}

    # -- life cycle --------------------------------------------------------------------------------------------

    async def start(self) -> None:
        self._wake = asyncio.Event()
        try:
            await self._start_engine(self.current)
        except (OSError, EssgraphError) as exc:  # the server starts anyway, degraded; the supervisor tries again
            log.error("the query workers could not start (%s); SPARQL is unavailable until they do", exc)
            self._broken(self.current.engine, f"the query workers could not start ({exc})")
        self._spawn(self._supervise())

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for published in [self.current, *self._retiring]:
            await self._close(published)

    def _spawn(self, coro) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _start_engine(self, published: Published) -> None:
        source = published.build.oxigraph_path if published.mode == "disk" else published.store
        engine = QueryEngine(
            source,
            self.settings.max_concurrent_queries,
            self.settings.query_timeout_s,
            self.settings.query_memory_mib,
            on_broken=lambda cause: self._broken(engine, cause),
        )
        published.engine = engine
        await engine.start()

    async def _close(self, published: Published) -> None:
        if published in self._closing:
            return
        self._closing.add(published)
        try:
            if published.engine is not None:
                engine, published.engine = published.engine, None
                await engine.stop()
            published.close()
        finally:
            self._closing.discard(published)
            if published in self._retiring:
                self._retiring.remove(published)

    def _install(self, published: Published) -> None:
        """Make ``published`` the build new requests get; the old one goes when its last request ends."""
        old, self.current = self.current, published
        self._target = self._link_of(published)
        self._retiring.append(old)  # until it is closed
        if old.users == 0:
            self._spawn(self._close(old))
        if self.outage is not None and self.ready:
            ended = time.monotonic()
            self.last_outage = {
                **self.outage,
                "ended": _now(),
                "seconds": round(ended - self.outage.pop("_started"), 3),
            }
            self.outage = None
        log.info(
            "serving build %s (%s, data version %s)",
            published.build.id,
            "on disk" if published.mode == "disk" else "in memory",
            published.manifest.get("data_version"),
        )

    def _broken(self, engine: QueryEngine | None, cause: str) -> None:
        if engine is not self.current.engine:
            return  # an engine already replaced: nobody new is sent to it
        if self.outage is None:
            self.outages += 1
            self.outage = {"cause": cause, "since": _now(), "_started": time.monotonic()}
        self._reopen = True
        if self._wake is not None:
            self._wake.set()

    async def _drained(self, mode: str, at_most_s: float) -> None:
        """Wait (a while at most) for the replaced builds held in ``mode`` to be let go: a zygote forked before
        would keep their memory mapped for its whole life."""
        deadline = time.monotonic() + at_most_s
        while any(p.mode == mode for p in self._retiring) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)

    # -- the supervisor ----------------------------------------------------------------------------------------

    async def _supervise(self) -> None:
        wake = self._wake
        assert wake is not None  # made by start()
        loading: tuple[Published, asyncio.Future] | None = None
        while True:
            try:
                loading = await self._step(loading)
            except Exception:  # a bug: logged, and the server keeps serving what it serves
                log.exception("the build supervisor failed; it goes on")
            try:
                await asyncio.wait_for(wake.wait(), POLL_S)
            except asyncio.TimeoutError:
                pass
            wake.clear()

    async def _step(self, loading):
        target = self.store_dir.current_target()
        if self._reopen or target not in (None, self._target, self._refused):
            self._reopen = False
            await self._open_on_disk(target or self._target)
        if self.current.mode == "disk" and (loading is None or loading[0] is not self.current):
            task = asyncio.ensure_future(asyncio.to_thread(load_in_memory, self.current.build))
            task.add_done_callback(lambda _: self._wake.set())
            loading = (self.current, task)
            self.pending = {"build": self.current.build.id, "state": "loading into memory", "since": _now()}
        if loading is not None and loading[1].done():
            await self._loaded(*loading)
            loading = None
        return loading

    async def _open_on_disk(self, target: str) -> None:
        path = (self.store_dir.root / target).resolve()
        lease = await asyncio.to_thread(take_lease, path)
        if lease is None:
            return  # gone already (pruned): the next poll sees where current points now
        try:
            build = self.store_dir.read_build(path)
            check_base(build, self.settings)
            published = await asyncio.to_thread(open_on_disk, build, lease)
        except EssgraphError as exc:
            lease.release()
            self._refused = target
            self.pending = {"build": path.name, "state": "refused", "error": str(exc)}
            log.error("build %s is not served: %s", path.name, exc)
            return
        try:
            await self._start_engine(published)
        except (OSError, EssgraphError) as exc:  # no process could be started: tried again at the next poll
            log.error("build %s: its query workers could not start (%s)", path.name, exc)
            await self._close(published)
            self._reopen = True
            return
        self._refused = None
        self._install(published)

    async def _loaded(self, on_disk: Published, task: asyncio.Future) -> None:
        """The memory copy of ``on_disk`` is loaded: fork its workers before anyone else touches it, then swap."""
        try:
            store = task.result()
        except (EssgraphError, OSError, ValueError, RuntimeError) as exc:
            log.error("build %s stays on disk: its copy in memory failed to load (%s)", on_disk.build.id, exc)
            self.pending = {"build": on_disk.build.id, "state": "on disk only", "error": str(exc)}
            return
        if on_disk is not self.current:
            return  # a newer build arrived meanwhile: this copy is dropped
        lease = take_lease(on_disk.build.path)
        if lease is None:
            return
        published = Published(on_disk.build, store, "memory", lease)
        await self._drained("memory", self.settings.query_timeout_s + 5)
        try:
            await self._start_engine(published)
        except (OSError, EssgraphError) as exc:
            log.error("build %s stays on disk: its query workers could not start (%s)", on_disk.build.id, exc)
            await self._close(published)
            return
        self.pending = None
        self._install(published)


class HoldBuild:
    """ASGI middleware: each HTTP request takes the current build once, when it starts, and holds it until its
    last byte is sent (a dump being downloaded keeps its build alive, and unpruned, to the end)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        live: Live = scope["app"].state.live
        published = live.acquire()
        scope.setdefault("state", {})["published"] = published
        try:
            await self.app(scope, receive, send)
        finally:
            live.release(published)


def published_of(request) -> Published:
    """The build a request is answered from (what ``deps.published`` returns)."""
    held = getattr(request.state, "published", None)
    return held if held is not None else request.app.state.live.current
