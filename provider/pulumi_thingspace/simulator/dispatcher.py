"""A single background thread that runs delayed jobs in due order (asynchronous work and callbacks)."""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

Job = Callable[[], None]


class Dispatcher:
    """Runs jobs after a delay, one at a time, in (due time, submission) order."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Job]] = []
        self._cond = threading.Condition()
        self._seq = itertools.count()
        self._busy = 0
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._running = False

    def schedule(self, delay: float, job: Job) -> None:
        """Run ``job`` on the worker thread after ``delay`` seconds (the thread starts on first use)."""
        with self._cond:
            if self._stopping and threading.current_thread() is self._thread:
                return  # A resend scheduled while stopping must not revive the worker.
            heapq.heappush(self._heap, (time.monotonic() + max(delay, 0.0), next(self._seq), job))
            self._stopping = False
            if not self._running:
                self._running = True
                self._thread = threading.Thread(target=self._run, name="thingspace-sim-dispatch", daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the worker; jobs not yet due are dropped."""
        with self._cond:
            self._stopping = True
            self._heap.clear()
            self._cond.notify_all()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until no job is queued or running; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._heap and self._busy == 0, timeout)

    def pending(self) -> int:
        """Jobs queued or running."""
        with self._cond:
            return len(self._heap) + self._busy

    def _run(self) -> None:
        while True:
            with self._cond:
                job = self._next_due()
                if job is None:
                    self._running = False
                    return
                self._busy += 1
            try:
                job()
            except Exception:
                # One broken job must not stop the delivery of every later callback.
                log.exception("simulator background job failed")
            finally:
                with self._cond:
                    self._busy -= 1
                    self._cond.notify_all()

    def _next_due(self) -> Job | None:
        """Wait (holding the condition) for the next due job; None once stopping."""
        while not self._stopping:
            if not self._heap:
                self._cond.wait()
                continue
            due = self._heap[0][0]
            now = time.monotonic()
            if due <= now:
                return heapq.heappop(self._heap)[2]
            self._cond.wait(due - now)
        return None
