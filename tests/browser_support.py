"""A real headless browser for the tests: Debian's Chromium driven over the DevTools protocol.

Only the standard library is used: Chromium is started with ``--remote-debugging-pipe``, which
reads protocol commands from file descriptor 3 and writes replies and events to descriptor 4,
each message a JSON object ended by a NUL byte. A page is opened, every console message,
uncaught exception, log entry (CSP violations, failed loads) and network request is recorded,
and the DOM can be queried with ``Runtime.evaluate``.

Where Chromium is missing the browser tests are skipped with the reason and the command that
installs it; under CI (``CI`` set) they fail instead, because CI installs it.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

INSTALL = "apt-get update && apt-get install -y chromium fonts-dejavu-core"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--hide-scrollbars", "--mute-audio",
         "--remote-debugging-pipe")


def chromium_path() -> str:
    """The Chromium executable, or skip (fail under CI) with how to install it."""
    found = os.environ.get("PLAN_RULES_CHROMIUM") or next(
        (p for p in (shutil.which(n) for n in ("chromium", "chromium-browser",
                                                "google-chrome")) if p), None)
    if found is None:
        reason = f"Chromium is not installed; install it with: {INSTALL}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return found


class Page:
    """What happened while a page was open, and a way to ask it questions."""

    def __init__(self, browser: Browser, session: str) -> None:
        self.browser = browser
        self.session = session
        self.console: list[dict[str, Any]] = []
        self.exceptions: list[dict[str, Any]] = []
        self.log: list[dict[str, Any]] = []
        self.requests: list[str] = []

    def record(self, event: dict[str, Any]) -> None:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled":
            self.console.append(params)
        elif method == "Runtime.exceptionThrown":
            self.exceptions.append(params)
        elif method == "Log.entryAdded":
            self.log.append(params.get("entry", {}))
        elif method == "Network.requestWillBeSent":
            self.requests.append(params.get("request", {}).get("url", ""))

    @property
    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and error log entries, as text."""
        out = [json.dumps(c.get("args"), ensure_ascii=False) for c in self.console
               if c.get("type") in ("error", "assert")]
        out += [e.get("exceptionDetails", {}).get("text", "exception") for e in self.exceptions]
        out += [f"{e.get('source')}: {e.get('text')}" for e in self.log
                if e.get("level") == "error"]
        return out

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (JSON-serialisable)."""
        reply = self.browser.call("Runtime.evaluate", {"expression": expression,
                                                       "returnByValue": True},
                                  session=self.session)
        if "exceptionDetails" in reply:
            raise AssertionError(f"evaluation failed: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def screenshot(self, path: Path) -> Path:
        """A PNG of the whole page."""
        reply = self.browser.call("Page.captureScreenshot",
                                  {"format": "png", "captureBeyondViewport": True},
                                  session=self.session)
        path.write_bytes(base64.b64decode(reply["data"]))
        return path


class Browser:
    """One headless Chromium, spoken to over the DevTools pipe."""

    def __init__(self, executable: str, profile: Path) -> None:
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def plumbing() -> None:  # in the child, before exec
            # Move both ends out of the way first: either may already be fd 3 or 4.
            high_r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 100)
            high_w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 100)
            os.dup2(high_r, 3)  # dup2 leaves 3 and 4 inheritable; the rest close on exec
            os.dup2(high_w, 4)

        self.process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={profile}", "--window-size=1200,900",
             "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=plumbing, close_fds=False)
        os.close(to_child_r)
        os.close(from_child_w)
        self._buffer = b""
        self._next = 0
        self._pages: dict[str, Page] = {}

    def _send(self, message: dict[str, Any]) -> None:
        os.write(self._to_child, json.dumps(message).encode() + b"\0")

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("Chromium did not answer in time")
            ready, _, _ = select.select([self._from_child], [], [], left)
            if ready:
                chunk = os.read(self._from_child, 1 << 16)
                if not chunk:
                    raise RuntimeError("Chromium closed the DevTools pipe")
                self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        message: dict[str, Any] = json.loads(raw)
        return message

    def _dispatch(self, message: dict[str, Any]) -> None:
        page = self._pages.get(message.get("sessionId", ""))
        if page is not None and "method" in message:
            page.record(message)

    def call(self, method: str, params: dict[str, Any] | None = None, *,
             session: str | None = None, timeout: float = 30) -> dict[str, Any]:
        """Send a command and wait for its reply, recording the events that come first."""
        self._next += 1
        ident = self._next
        message: dict[str, Any] = {"id": ident, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._send(message)
        deadline = time.monotonic() + timeout
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == ident:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            self._dispatch(reply)

    def wait_for(self, page: Page, event: str, timeout: float = 30) -> None:
        """Record events until ``event`` arrives for ``page``."""
        deadline = time.monotonic() + timeout
        while True:
            message = self._receive(deadline)
            self._dispatch(message)
            if message.get("method") == event and message.get("sessionId") == page.session:
                return

    def open(self, url: str) -> Page:
        """Open ``url`` in a new tab and wait until it has loaded."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target,
                                                      "flatten": True})["sessionId"]
        page = Page(self, session)
        self._pages[session] = page
        for domain in ("Runtime", "Log", "Page", "Network"):
            self.call(f"{domain}.enable", session=session)
        self.call("Page.navigate", {"url": url}, session=session)
        self.wait_for(page, "Page.loadEventFired")
        # Let late console messages and CSP reports arrive.
        self.call("Runtime.evaluate", {"expression": "new Promise(r => setTimeout(r, 200))",
                                       "awaitPromise": True}, session=session)
        return page

    def close(self) -> None:
        """Close the browser and the pipes."""
        with contextlib.suppress(RuntimeError, TimeoutError, OSError):
            self.call("Browser.close", timeout=5)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_child)
        os.close(self._from_child)


@contextmanager
def chromium() -> Iterator[Browser]:
    """A running headless Chromium, closed afterwards (skips where there is none)."""
    executable = chromium_path()
    with tempfile.TemporaryDirectory(prefix="plan-rules-chromium-") as profile:
        browser = Browser(executable, Path(profile))
        try:
            yield browser
        finally:
            browser.close()
