"""One long-lived Node.js process that has loaded the function's bundle and runs every invocation."""

import json
import logging
import os
import subprocess
import threading
import uuid
from collections.abc import Mapping
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeoutError
from pathlib import Path
from typing import IO, Any, Final

WORKER_SCRIPT: Final = Path(__file__).resolve().with_name("worker.cjs")
# Maximum wait for the bundle to load before the runner gives up.
STARTUP_TIMEOUT_SECONDS: Final = 30
# Maximum wait for in-flight invocations to finish when the runner stops.
STOP_TIMEOUT_SECONDS: Final = 15

logger = logging.getLogger(__name__)
function_logger = logging.getLogger("webhook_platform.local.function")


class WorkerError(Exception):
    """The Node.js worker failed to start, exited, or did not respond in time."""


class InvocationTimeoutError(WorkerError):
    """The function did not respond within the integration timeout."""


class NodeWorker:
    """Runs `bundle_path` in one Node.js process and matches each result to its request by id.

    `invoke` may be called from many threads at once; each call writes one request line and waits
    for the result with the same id. Start it with `start()` and stop it with `stop()`.
    """

    def __init__(
        self,
        node_path: Path,
        bundle_path: Path,
        environment: Mapping[str, str],
        function_name: str,
        function_timeout_seconds: float,
    ) -> None:
        self.node_path = node_path
        self.bundle_path = bundle_path
        self.environment = dict(environment)
        self.function_name = function_name
        self.function_timeout_seconds = function_timeout_seconds
        self.node_version = ""
        self._process: subprocess.Popen | None = None
        self._pending: dict[str, Future] = {}
        self._ready: Future = Future()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    @property
    def pid(self) -> int | None:
        """The Node.js process id, or None before start."""
        return self._process.pid if self._process else None

    def start(self) -> None:
        """Start Node.js and wait until the bundle has loaded; raise `WorkerError` when it fails to."""
        for path in (self.node_path, self.bundle_path):
            if not path.exists():
                raise WorkerError(f"{path} is missing. Fix: run `make build` first.")

        result_read, result_write = os.pipe()
        # The command is the configured Node.js binary and this package's script, never request data.
        self._process = subprocess.Popen(  # noqa: S603
            [
                str(self.node_path),
                str(WORKER_SCRIPT),
                str(self.bundle_path),
                str(result_write),
                self.function_name,
                str(int(self.function_timeout_seconds * 1000)),
            ],
            env=self.environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            pass_fds=(result_write,),
            text=True,
            # Its own session keeps a terminal's Ctrl-C away from Node.js, so the runner can let
            # in-flight invocations finish before it closes the worker's input.
            start_new_session=True,
        )
        os.close(result_write)

        self._threads = [
            threading.Thread(target=self._read_results, args=(os.fdopen(result_read, "r"),), daemon=True),
            threading.Thread(target=self._forward, args=(self._process.stdout, logging.DEBUG), daemon=True),
            threading.Thread(target=self._forward, args=(self._process.stderr, logging.WARNING), daemon=True),
        ]
        for thread in self._threads:
            thread.start()

        try:
            ready = self._ready.result(timeout=STARTUP_TIMEOUT_SECONDS)
        except FutureTimeoutError as error:
            self.stop()
            raise WorkerError(f"the bundle did not load within {STARTUP_TIMEOUT_SECONDS} s") from error
        if ready.get("type") != "ready":
            self.stop()
            raise WorkerError(
                f"the bundle {self.bundle_path} failed to load: {ready.get('name')}: {ready.get('message')}"
            )
        self.node_version = ready["nodeVersion"]
        logger.info("Function worker started: pid %s, Node.js %s", self.pid, self.node_version)

    def invoke(self, event: dict[str, Any], timeout_seconds: float) -> dict[str, Any]:
        """Run the handler on `event` and return the worker's message: a `result` or an `error`.

        Raises `InvocationTimeoutError` after `timeout_seconds`, and `WorkerError` when the worker
        has exited. A timed-out invocation keeps running in Node.js and its late result is dropped.
        """
        request_id = uuid.uuid4().hex
        answer: Future = Future()
        line = json.dumps({"id": request_id, "event": event}) + "\n"

        with self._lock:
            if self._process is None or self._process.poll() is not None:
                raise WorkerError("the function worker is not running")
            self._pending[request_id] = answer
            try:
                self._process.stdin.write(line)
                self._process.stdin.flush()
            except OSError as error:
                del self._pending[request_id]
                raise WorkerError(f"writing to the function worker failed: {error}") from error

        try:
            return answer.result(timeout=timeout_seconds)
        except FutureTimeoutError as error:
            raise InvocationTimeoutError(
                f"no response from the function within {timeout_seconds} s"
            ) from error
        finally:
            with self._lock:
                self._pending.pop(request_id, None)

    def stop(self) -> None:
        """Close the worker's input so it finishes in-flight invocations and exits; kill it if it hangs."""
        process = self._process
        if process is None:
            return
        if process.poll() is None:
            with self._lock:
                process.stdin.close()
            try:
                process.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                logger.warning(
                    "Function worker %s did not exit in %s s; killing it", process.pid, STOP_TIMEOUT_SECONDS
                )
                process.kill()
                process.wait()
        for thread in self._threads:
            thread.join(timeout=5)
        logger.info("Function worker stopped: pid %s, exit code %s", process.pid, process.returncode)

    def _read_results(self, stream: IO[str]) -> None:
        for line in stream:
            message = json.loads(line)
            if message.get("type") in ("ready", "load_error"):
                self._ready.set_result(message)
                continue
            with self._lock:
                answer = self._pending.get(message.get("id"))
            if answer is None:
                logger.warning(
                    "Dropped a late result from the function worker for invocation %s", message.get("id")
                )
            elif not answer.done():
                answer.set_result(message)

        # The worker exited: nothing more will arrive, so every waiting request fails now.
        if not self._ready.done():
            self._ready.set_result({"type": "load_error", "name": "Exit", "message": "Node.js exited"})
        with self._lock:
            waiting = list(self._pending.values())
        for answer in waiting:
            if not answer.done():
                answer.set_exception(WorkerError("the function worker exited"))

    @staticmethod
    def _forward(stream: IO[str], level: int) -> None:
        for line in stream:
            function_logger.log(level, "%s", line.rstrip("\n"))
