"""`redline serve --workers N`: N uvicorn workers, each listening on its own SO_REUSEPORT socket.

Why not uvicorn's own supervisor: its workers share one listening socket, and whichever wakes
first accepts; keep-alive clients keep their connections, so a worker's load is its share of
connections, and a burst of new connections often went mostly to one worker (50-75% of the work
in the load runs). With one SO_REUSEPORT socket per worker the kernel spreads connections by a
hash of each: measured at 500 requests/s, splits of 53-55% instead of 56-71%, and p99 4.9-5.6 ms
instead of 6.7-8.9 ms on SQLite. Where the platform lacks SO_REUSEPORT (or for one worker) this
falls back to uvicorn's own way. A hash still splits a few dozen keep-alive connections
unevenly often enough, so a worker over its share of the answers closes a connection now and
then for its client to reconnect (`web.balance`).

The supervisor restarts a worker that dies once it has started serving, and stops the server
when one dies before that (it would crash again: a bad database URL, a schema not current); a
worker says it has started in a shared flag once uvicorn listens with the app loaded. On SIGINT
or SIGTERM it asks every worker to finish gracefully.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import signal
import socket
import sys
import time
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any

APP = "redline.web.app:app_from_env"
STOP_TIMEOUT_S = 30.0


def serve(host: str, port: int, workers: int, log_level: str) -> int:
    """Serve until SIGINT/SIGTERM; the exit status (0, or 1 when a worker failed to start)."""
    import uvicorn

    if workers == 1 or not hasattr(socket, "SO_REUSEPORT"):
        uvicorn.run(
            APP,
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level=log_level,
            access_log=False,
        )
        return 0
    _refuse_taken_port(host, port)
    context = multiprocessing.get_context("spawn")
    counts = context.RawArray("Q", workers)  # each worker's answers: see `web.balance`
    started = context.RawArray("b", workers)  # 1 once a worker serves
    stopping: list[int] = []

    def stop(signum: int, _frame: FrameType | None) -> None:
        stopping.append(signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        where = (host, port, log_level, counts, started)
        running = [_start(context, *where, slot) for slot in range(workers)]
        status = _supervise(running, context, where, started, stopping)
        for process in running:
            if process.is_alive() and process.pid is not None:
                os.kill(process.pid, signal.SIGTERM)  # graceful in uvicorn, even after a SIGINT
        for process in running:
            process.join(STOP_TIMEOUT_S)
            if process.is_alive():
                process.kill()
        return status
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _supervise(
    running: list[BaseProcess],
    context: multiprocessing.context.SpawnContext,
    where: tuple[str, int, str, Any, Any],
    started: Any,
    stopping: list[int],
) -> int:
    while not stopping:
        time.sleep(0.2)
        for index, process in enumerate(running):
            if process.is_alive() or stopping:
                continue
            if not started[index]:
                print(
                    f"redline serve: a worker failed to start (exit {process.exitcode})",
                    file=sys.stderr,
                )
                return 1
            print(
                f"redline serve: worker {process.pid} died (exit {process.exitcode}), "
                "starting another",
                file=sys.stderr,
            )
            running[index] = _start(context, *where, index)
    return 0


def _start(
    context: multiprocessing.context.SpawnContext,
    host: str,
    port: int,
    log_level: str,
    counts: Any,
    started: Any,
    slot: int,
) -> BaseProcess:
    started[slot] = 0
    process = context.Process(
        target=run_worker, args=(host, port, log_level, counts, started, slot), daemon=False
    )
    process.start()
    return process


def run_worker(host: str, port: int, log_level: str, counts: Any, started: Any, slot: int) -> None:
    """One worker: its own socket on the shared port, then uvicorn on it until told to stop;
    its answers counted in `counts[slot]`, so it sheds connections when over its share, and
    `started[slot]` set once it serves."""
    import uvicorn

    from redline.web.app import app_from_env
    from redline.web.balance import LoadShares

    class Worker(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if self.started:  # the app loaded, its lifespan ran, the socket listens
                started[slot] = 1

    sock = _listening_socket(host, port, reuse_port=True)
    factory = functools.partial(app_from_env, balance=LoadShares(counts, slot))
    config = uvicorn.Config(factory, factory=True, log_level=log_level, access_log=False)
    Worker(config).run(sockets=[sock])


def _listening_socket(host: str, port: int, *, reuse_port: bool) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def _refuse_taken_port(host: str, port: int) -> None:
    """Fail now if anything listens on the port: SO_REUSEPORT sockets of the same user would
    otherwise quietly share it with another server (a second `redline serve`, say)."""
    probe = _listening_socket(host, port, reuse_port=False)
    probe.close()
