"""Headless Chromium for the tests, driven through the DevTools protocol over a WebSocket (the ``websockets``
package; no driver binary). Uses Debian's ``chromium`` (``apt-get install chromium``).

    from support.browser import Browser, chromium_path

    with Browser() as browser:
        page = browser.new_page()
        page.goto("http://127.0.0.1:8000/")
        page.click("main a")                 # a real mouse click; waits for the next page
        assert "Plans" in page.text("h1")
        page.press("Tab")                     # keyboard, as a person would
        page.back()
        page.screenshot(path)                 # PNG of the whole page
        assert not page.errors                # no JavaScript error, no failed console call

Navigation waits use a token set on the page before leaving it: the next document never has it, so the wait also
ends when the back/forward cache restores a page.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from websockets.sync.client import connect

from support.processes import stop_process

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-proxy-server", "--disable-extensions", "--hide-scrollbars", "--mute-audio")


def chromium_path() -> str | None:
    """The Chromium executable, or None when it is not installed."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


class BrowserError(Exception):
    """Chromium failed to start, a command failed, or a wait timed out."""


_direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))   # the DevTools endpoint is local


class Browser:
    """One Chromium process with a fresh profile; ``close()`` (or ``with``) ends it and removes the profile."""

    def __init__(self, executable: str | None = None, width: int = 1280, height: int = 900, timeout: float = 30):
        executable = executable or chromium_path()
        if not executable:
            raise BrowserError("Chromium is not installed (apt-get install chromium)")
        self.timeout = timeout
        self.width, self.height = width, height
        self.profile = Path(tempfile.mkdtemp(prefix="essgraph-chromium-"))
        self.log_path = self.profile.parent / f"{self.profile.name}.log"
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={self.profile}", "--remote-debugging-port=0",
             "--remote-debugging-address=127.0.0.1", f"--window-size={width},{height}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=self._log)
        self.pages: list[Page] = []
        try:
            self.endpoint = self._wait_endpoint()
        except BaseException:
            self.close()
            raise

    def _wait_endpoint(self) -> str:
        port_file = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BrowserError(f"Chromium exited with {self.proc.returncode}: {self.output()[-2000:]}")
            try:
                lines = port_file.read_text().split()
            except OSError:
                lines = []
            if lines:
                return f"http://127.0.0.1:{int(lines[0])}"
            time.sleep(0.05)
        raise BrowserError(f"Chromium did not open its DevTools port in {self.timeout}s: {self.output()[-2000:]}")

    def output(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def new_page(self) -> "Page":
        request = urllib.request.Request(self.endpoint + "/json/new?about:blank", method="PUT")
        with _direct.open(request, timeout=self.timeout) as response:
            info = json.load(response)
        page = Page(info["webSocketDebuggerUrl"], self.timeout)
        page.set_viewport(self.width, self.height)
        self.pages.append(page)
        return page

    def close(self) -> None:
        for page in self.pages:
            page.close()
        stop_process(self.proc)
        self._log.close()
        shutil.rmtree(self.profile, ignore_errors=True)
        self.log_path.unlink(missing_ok=True)

    def __enter__(self) -> "Browser":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Page:
    """One tab. Every call waits for Chromium's answer; navigations wait for the next page to be loaded."""

    def __init__(self, ws_url: str, timeout: float):
        self.timeout = timeout
        self._connection = contextlib.ExitStack()   # websockets wants its connections used as context managers
        self.ws = self._connection.enter_context(connect(ws_url, max_size=None, proxy=None, open_timeout=timeout,
                                                         ping_interval=None))
        self._ids = itertools.count(1)
        self._tokens = itertools.count(1)
        self.errors: list[str] = []     # uncaught exceptions and console.error calls, in order
        self.send("Page.enable")
        self.send("Runtime.enable")

    # -- protocol --------------------------------------------------------------------------------------------------

    def send(self, method: str, **params) -> dict:
        ident = next(self._ids)
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        deadline = time.monotonic() + self.timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise BrowserError(f"{method}: no answer in {self.timeout}s")
            try:
                message = json.loads(self.ws.recv(timeout=remaining))
            except TimeoutError:
                raise BrowserError(f"{method}: no answer in {self.timeout}s") from None
            if message.get("id") == ident:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error'].get('message')}")
                return message.get("result", {})
            self._event(message)

    def _event(self, message: dict) -> None:
        method, params = message.get("method"), message.get("params", {})
        if method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            self.errors.append(details.get("exception", {}).get("description") or details.get("text", "exception"))
        elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
            self.errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))

    def evaluate(self, expression: str):
        """The value of a JavaScript expression (promises awaited); raises BrowserError on a JavaScript error."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise BrowserError(details.get("exception", {}).get("description") or details.get("text"))
        return result.get("result", {}).get("value")

    # -- navigation ------------------------------------------------------------------------------------------------

    def _mark(self) -> str:
        token = f"t{next(self._tokens)}-{time.monotonic_ns()}"
        self.evaluate(f"window.__essgraphToken = {json.dumps(token)}")
        return token

    def _wait_for_next_page(self, token: str) -> None:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            try:
                state = self.evaluate("[window.__essgraphToken || null, document.readyState]")
            except BrowserError:    # the old document went away mid-call
                state = None
            if state and state[0] != token and state[1] == "complete":
                return
            time.sleep(0.05)
        raise BrowserError(f"the next page did not load in {self.timeout}s (at {self.url})")

    def goto(self, url: str) -> None:
        token = self._mark()
        result = self.send("Page.navigate", url=url)
        if result.get("errorText"):
            raise BrowserError(f"cannot open {url}: {result['errorText']}")
        self._wait_for_next_page(token)

    def back(self) -> None:
        token = self._mark()
        self.evaluate("history.back()")
        self._wait_for_next_page(token)

    def click(self, selector: str, navigates: bool = True) -> None:
        """Click the first element matching ``selector`` with the mouse, as a person would."""
        point = self.evaluate(f"""(() => {{
            const el = document.querySelector({json.dumps(selector)});
            if (!el) return null;
            el.scrollIntoView({{block: "center", inline: "center"}});
            const r = el.getClientRects()[0] || el.getBoundingClientRect();
            return [r.left + r.width / 2, r.top + r.height / 2];
        }})()""")
        if point is None:
            raise BrowserError(f"no element matches {selector!r} on {self.url}")
        token = self._mark() if navigates else ""
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=point[0], y=point[1], button="left", clickCount=1)
        if navigates:
            self._wait_for_next_page(token)

    def type(self, text: str) -> None:
        """Type ``text`` into the focused field, as a keyboard would."""
        self.send("Input.insertText", text=text)

    def press(self, key: str, navigates: bool = False) -> None:
        """Press and release one key: 'Tab', 'Enter', 'Escape' or a character (``navigates``: wait for the page it
        leads to, as Enter in a form does)."""
        token = self._mark() if navigates else ""
        codes = {"Tab": 9, "Enter": 13, "Escape": 27}
        extra = {"windowsVirtualKeyCode": codes[key], "code": key, "key": key} if key in codes else {"key": key}
        if key == "Enter":
            extra["text"] = "\r"
        self.send("Input.dispatchKeyEvent", type="keyDown", **extra)
        self.send("Input.dispatchKeyEvent", type="keyUp", **extra)
        if navigates:
            self._wait_for_next_page(token)

    # -- reading ---------------------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return self.evaluate("location.href")

    @property
    def title(self) -> str:
        return self.evaluate("document.title")

    def text(self, selector: str = "body") -> str:
        """What a reader sees of the first element matching ``selector`` ('' when there is none)."""
        return self.evaluate(f"(document.querySelector({json.dumps(selector)}) || {{innerText: ''}}).innerText")

    def texts(self, selector: str) -> list[str]:
        return self.evaluate(f"[...document.querySelectorAll({json.dumps(selector)})].map(e => e.innerText)")

    def attribute(self, selector: str, name: str) -> str | None:
        return self.evaluate(f"(document.querySelector({json.dumps(selector)}) || {{getAttribute: () => null}})"
                             f".getAttribute({json.dumps(name)})")

    def count(self, selector: str) -> int:
        return self.evaluate(f"document.querySelectorAll({json.dumps(selector)}).length")

    # -- display ---------------------------------------------------------------------------------------------------

    def set_viewport(self, width: int, height: int, mobile: bool = False) -> None:
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                  mobile=mobile)

    def screenshot(self, path: Path | str, full_page: bool = True) -> Path:
        params: dict = {"format": "png"}
        if full_page:
            size = self.send("Page.getLayoutMetrics")["cssContentSize"]
            params.update(captureBeyondViewport=True,
                          clip={"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1})
        data = self.send("Page.captureScreenshot", **params)["data"]
        path = Path(path)
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        try:
            self._connection.close()
        except Exception:   # already closed with the browser
            pass
