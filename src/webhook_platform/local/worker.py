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


class _NodeProcess:
    """One Node.js process, the invocations sent to it, and the threads that read its output."""

    def __init__(self, worker: "NodeWorker") -> None:
        result_read, result_write = os.pipe()
        # The command is the configured Node.js binary and this package's script, never request data.
        self.process = subprocess.Popen(  # noqa: S603
            [
                str(worker.node_path),
                str(WORKER_SCRIPT),
                str(worker.bundle_path),
                str(result_write),
                worker.function_name,
                str(int(worker.function_timeout_seconds * 1000)),
            ],
            env=worker.environment,
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

        self.ready: Future = Future()
        self.stopping = False
        self.pending: dict[str, Future] = {}
        self.lock = threading.Lock()
        self.threads = [
            threading.Thread(target=self._read_results, args=(os.fdopen(result_read, "r"),), daemon=True),
            threading.Thread(target=_forward, args=(self.process.stdout, logging.DEBUG), daemon=True),
            threading.Thread(target=_forward, args=(self.process.stderr, logging.WARNING), daemon=True),
        ]
        for thread in self.threads:
            thread.start()

    def _read_results(self, stream: IO[str]) -> None:
        for line in stream:
            message = json.loads(line)
            if message.get("type") in ("ready", "load_error"):
                self.ready.set_result(message)
                continue
            with self.lock:
                result = self.pending.pop(message.get("id"), None)
            if result is None:
                logger.warning(
                    "Dropped a late result from the function worker for invocation %s", message.get("id")
                )
            elif not result.done():
                result.set_result(message)

        # The process exited: nothing more will arrive, so every waiting invocation fails now.
        try:
            exit_code = self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            exit_code = None
        if not self.stopping:
            logger.error("Function worker %s exited with code %s", self.process.pid, exit_code)
        if not self.ready.done():
            self.ready.set_result({"type": "load_error", "name": "Exit", "message": "Node.js exited"})
        with self.lock:
            waiting = list(self.pending.values())
            self.pending.clear()
        for result in waiting:
            if not result.done():
                result.set_exception(WorkerError(f"the function worker {self.process.pid} exited"))

    def stop(self) -> None:
        self.stopping = True
        if self.process.poll() is None:
            with self.lock:
                self.process.stdin.close()
            try:
                self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                logger.warning(
                    "Function worker %s did not exit in %s s; killing it",
                    self.process.pid,
                    STOP_TIMEOUT_SECONDS,
                )
                self.process.kill()
                self.process.wait()
        for thread in self.threads:
            thread.join(timeout=5)


class NodeWorker:
    """Runs `bundle_path` in one Node.js process and matches each result to its request by id.

    `invoke` may be called from many threads at once; each call writes one request line and waits
    for the result with the same id. When the process has exited, as after a crash of the
    function, the next invocation starts a new one, as Lambda starts a new instance.
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
        self._current: _NodeProcess | None = None
        self._stopped = False
        self._lock = threading.Lock()

    @property
    def pid(self) -> int | None:
        """The current Node.js process id, or None before start."""
        return self._current.process.pid if self._current else None

    def start(self) -> None:
        """Start Node.js and wait until the bundle has loaded; raise `WorkerError` when it fails to."""
        for path in (self.node_path, self.bundle_path):
            if not path.exists():
                raise WorkerError(f"{path} is missing. Fix: run `make build` first.")
        with self._lock:
            self._stopped = False
            self._launch()

    def invoke(self, event: dict[str, Any], timeout_seconds: float) -> dict[str, Any]:
        """Run the handler on `event` and return the worker's message: a `result` or an `error`.

        Raises `InvocationTimeoutError` after `timeout_seconds`, and `WorkerError` when the worker
        is stopped, exits during the invocation, or cannot be restarted. A timed-out invocation
        keeps running in Node.js and its late result is dropped.
        """
        request_id = uuid.uuid4().hex
        result: Future = Future()
        line = json.dumps({"id": request_id, "event": event}) + "\n"

        with self._lock:
            if self._stopped or self._current is None:
                raise WorkerError("the function worker is not running")
            if self._current.process.poll() is not None:
                self._relaunch()
            current = self._current
            try:
                self._send(current, request_id, result, line)
            except OSError:
                # The process died after the check above, so it never read this event and sending
                # it to a new process cannot run it twice.
                current.process.wait(timeout=STOP_TIMEOUT_SECONDS)
                self._relaunch()
                current = self._current
                try:
                    self._send(current, request_id, result, line)
                except OSError as error:
                    raise WorkerError(f"writing to the function worker failed: {error}") from error

        try:
            return result.result(timeout=timeout_seconds)
        except FutureTimeoutError as error:
            raise InvocationTimeoutError(
                f"no response from the function within {timeout_seconds} s"
            ) from error
        finally:
            with current.lock:
                current.pending.pop(request_id, None)

    def stop(self) -> None:
        """Close the worker's input so it finishes in-flight invocations and exits; kill it if it hangs."""
        with self._lock:
            self._stopped = True
            current = self._current
        if current is None:
            return
        current.stop()
        logger.info(
            "Function worker stopped: pid %s, exit code %s", current.process.pid, current.process.returncode
        )

    @staticmethod
    def _send(current: _NodeProcess, request_id: str, result: Future, line: str) -> None:
        with current.lock:
            current.pending[request_id] = result
            try:
                current.process.stdin.write(line)
                current.process.stdin.flush()
            except OSError:
                del current.pending[request_id]
                raise

    def _relaunch(self) -> None:
        # Called with self._lock held, like _launch.
        exited = self._current.process
        logger.warning(
            "Function worker %s exited with code %s; starting a new one", exited.pid, exited.returncode
        )
        self._launch()

    def _launch(self) -> None:
        # Called with self._lock held, so no invocation is written while the process is replaced.
        started = _NodeProcess(self)
        self._current = started

        try:
            ready = started.ready.result(timeout=STARTUP_TIMEOUT_SECONDS)
        except FutureTimeoutError as error:
            started.process.kill()
            started.stop()
            raise WorkerError(f"the bundle did not load within {STARTUP_TIMEOUT_SECONDS} s") from error
        if ready.get("type") != "ready":
            started.stop()
            raise WorkerError(
                f"the bundle {self.bundle_path} failed to load: {ready.get('name')}: {ready.get('message')}"
            )

        self.node_version = ready["nodeVersion"]
        logger.info("Function worker started: pid %s, Node.js %s", started.process.pid, self.node_version)


def _forward(stream: IO[str], level: int) -> None:
    for line in stream:
        function_logger.log(level, "%s", line.rstrip("\n"))
