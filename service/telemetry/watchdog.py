"""A serving process that stops turning ends, instead of hanging (issue 16).

With the disk full, embedded Chroma logged "Error in compaction" and the process hung in
its native code holding the GIL: no request, not even `/health`, was answered, and SIGTERM
did nothing, since Python runs signal handlers only between bytecodes. No Python-level
timer can fire then. faulthandler's can: `dump_traceback_later` waits in a C thread that
needs no GIL, and when its time is up it writes every thread's stack to stderr and ends
the process with exit code 1, so a supervisor restarts it and the operator sees where it
stuck.

- `StallWatchdog`: a heartbeat task on the event loop re-arms that timer every quarter of
  `CITEDQA_STALL_TIMEOUT`; a loop that stops for the whole timeout ends the process.
- `WatchedServer`: uvicorn's server with the watchdog running while it serves, and a hard
  deadline of `CITEDQA_SHUTDOWN_TIMEOUT` from the first SIGTERM (or Ctrl-C) to the end of
  the process: uvicorn otherwise waits for every open request however long it takes.
"""

from __future__ import annotations

import asyncio
import faulthandler
import logging
import socket
from types import FrameType

import uvicorn

from citedqa.settings import Settings

log = logging.getLogger(__name__)


class StallWatchdog:
    """Ends the process (stacks on stderr, exit 1) when the event loop stops for `timeout` s."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout

    async def beat(self) -> None:
        """Re-arm the timer until cancelled; run as a task on the loop being watched."""
        try:
            while True:
                faulthandler.dump_traceback_later(self.timeout, exit=True)
                await asyncio.sleep(self.timeout / 4)
        finally:
            faulthandler.cancel_dump_traceback_later()


class WatchedServer(uvicorn.Server):
    """A uvicorn server whose loop is watched while it serves, and whose shutdown has a deadline."""

    def __init__(self, config: uvicorn.Config, stall_timeout: float, shutdown_timeout: float):
        super().__init__(config)
        self._watchdog = StallWatchdog(stall_timeout)
        self._shutdown_timeout = shutdown_timeout

    async def main_loop(self) -> None:
        # Watched from here: start-up (loading models, warming indexes) may hold the loop longer.
        heartbeat = asyncio.create_task(self._watchdog.beat(), name="stall-watchdog")
        try:
            await super().main_loop()
        finally:
            heartbeat.cancel()
            await asyncio.gather(heartbeat, return_exceptions=True)
            self._arm_deadline()  # the heartbeat may have re-armed the longer stall timer

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        first = not self.should_exit  # a second signal does not move the deadline
        super().handle_exit(sig, frame)
        if first:
            self._arm_deadline()

    def _arm_deadline(self) -> None:
        """From now on, the process has `shutdown_timeout` seconds to end by itself."""
        faulthandler.dump_traceback_later(self._shutdown_timeout, exit=True)


def serve_watched(config: uvicorn.Config, settings: Settings, sock: socket.socket) -> None:
    """Serve in this process on `sock`, watched (`python -m service` with one worker)."""
    log.info(
        "stall watchdog on: no event-loop turn for %g s, or a shutdown over %g s, ends the "
        "process (exit code 1, stacks on stderr)",
        settings.stall_timeout,
        settings.shutdown_timeout,
    )
    WatchedServer(config, settings.stall_timeout, settings.shutdown_timeout).run(sockets=[sock])
