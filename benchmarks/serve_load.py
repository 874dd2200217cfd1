"""Load test of `redline serve` on loopback: POST /v1/screen single posts at a sustained rate.

Not a test: it prints figures. It starts `redline serve --workers N` on a free loopback port over
a fresh database (SQLite file, a throwaway PostgreSQL cluster, or --db), creates a screener token,
and sends one post per request from this (separate) process with asyncio + httpx, open loop:
request i is due at start + i/rate whether or not earlier ones have answered, after --warm-up
unrecorded requests (default 200, at 50/s). It prints
throughput, p50/p90/p99/max latency (from sending to the full answer), how the requests over
10 ms spread over the run (few 100 ms windows: stalls; many: queueing), how late the client sent
(its own lag: if that is large, the figures measure the client, not the server), the CPU time
per request of the server (each worker's share too: how evenly connections spread), of a
throwaway PostgreSQL and of this client, errors by kind, and then checks the database: every
answered post stored exactly once, nothing else stored. The client's garbage collector is off
while it measures (see `client_collector_paused`).

Posts: 90% general Weibo posts from ../shared/corpora (training months only; never printed) when
it exists, else synthetic benign posts, and 10% posts of the synthetic generator (ads and hard
negatives), each with a unique id.

Usage:
  .venv/bin/python benchmarks/serve_load.py --backend sqlite --rate 500 --duration 60
  .venv/bin/python benchmarks/serve_load.py --backend postgresql --rate 500 --duration 60
  .venv/bin/python benchmarks/serve_load.py --db postgresql://u@host/db   # an existing database
  .venv/bin/python benchmarks/serve_load.py --backend postgresql --durable all  # all commits fsync
  .venv/bin/python benchmarks/serve_load.py --backend postgresql \
      --postgres-setting synchronous_commit=off    # a server setting of the throwaway cluster
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Coroutine, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import orjson
from host_cpu import CpuTicks

REDLINE = [sys.executable, "-m", "redline.cli"]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Load:
    """What a load run saw, request by answered request (all lists but errors in step)."""

    latencies: list[float]  # s, from sending to the full answer
    sent_at: list[float]  # due time, s into the run
    lags: list[float]  # of every request sent: how late it was sent, s
    errors: Counter[str]
    answered: list[str]  # post ids
    flagged: list[bool]  # whether the answer was violating or review
    shed: int  # connections the server closed after an answer (raw client only)
    elapsed: float  # s


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def throwaway_postgres(settings: Sequence[str] = ()) -> Iterator[tuple[str, int]]:
    """A PostgreSQL cluster in a temporary folder (as tests/conftest.py starts one), fsync on,
    with the server `settings` given (`NAME=VALUE`): its URL and its postmaster's pid."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        sys.exit("PostgreSQL not installed (apt-get install postgresql), or pass --db URL")
    bin_dir = found[-1].parent
    data = Path(tempfile.mkdtemp(prefix="redline-load-pg-"))
    as_owner: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(data, "postgres")
        as_owner = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    subprocess.run(
        [*as_owner, str(bin_dir / "initdb"), "-D", str(data / "db"), "-U", "redline",
         "--auth=trust", "-E", "UTF8", "--locale=C"], check=True, capture_output=True,
    )  # fmt: skip
    options = " ".join(
        [f"-h 127.0.0.1 -p {port} -k {data} -c max_connections=100"]
        + [f"-c {setting}" for setting in settings]
    )
    subprocess.run(
        [*as_owner, str(bin_dir / "pg_ctl"), "-D", str(data / "db"), "-o", options, "-w",
         "-l", str(data / "log"), "start"], check=True, capture_output=True,
    )  # fmt: skip
    try:
        postmaster = int((data / "db" / "postmaster.pid").read_text().split()[0])
        yield f"postgresql+psycopg://redline@127.0.0.1:{port}/postgres", postmaster
    finally:
        subprocess.run(
            [*as_owner, str(bin_dir / "pg_ctl"), "-D", str(data / "db"), "-m", "fast", "stop"],
            capture_output=True,
        )
        shutil.rmtree(data, ignore_errors=True)


def texts(count: int, seed: int) -> list[str]:
    from redline.synth.generate import generate
    from redline.training import find_shared, weibo_train

    rng = random.Random(seed)
    synthetic = [post["text"] for post in generate(max(50, count // 10), seed=seed)]
    shared = find_shared()
    if shared is not None:
        general = list(weibo_train(shared, count, rng))
        print(f"posts: {len(general):,} Weibo (training months) + {len(synthetic):,} synthetic")
    else:
        general = [
            f"今天的天气{'很好' if i % 2 else '不错'}，我们去公园散步吧 {i}" for i in range(count)
        ]
        print(f"posts: ../shared not found, {len(general):,} benign + {len(synthetic):,} synthetic")
    return [rng.choice(synthetic) if rng.random() < 0.1 else rng.choice(general)
            for _ in range(count)]  # fmt: skip


def start_server(db: str, port: int, workers: int, durable: str) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [*REDLINE, "serve", "--db", db, "--port", str(port), "--workers", str(workers),
         "--rate", "1000000", "--burst", "1000000", "--durable", durable],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("server exited: " + server.stderr.read().decode() if server.stderr else "")
        try:
            # both workers must be up: several answers in a row from a fresh connection each
            if all(httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
                   for _ in range(4)):  # fmt: skip
                time.sleep(2.0)  # let the second worker finish loading its pipeline
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    server.kill()
    sys.exit("server did not answer /healthz within 120 s")


async def run_load(
    url: str,
    token: str,
    posts: list[str],
    rate: float,
    run_id: str,
    concurrency: int,
    client_kind: str,
) -> Load:
    """Open loop: a dispatcher releases request i at its due time into a queue that a fixed
    number of senders drain (unbounded tasks would make httpx's pool, not the server, the
    bottleneck). Latency is from sending to the full answer; lag is sending minus due time."""
    latencies: list[float] = []
    sent_at: list[float] = []  # of each answered request, seconds into the run
    lags: list[float] = []
    errors: Counter[str] = Counter()
    answered: list[str] = []
    flagged: list[bool] = []  # of each answered request: was its decision flagged
    shed: list[int] = []  # of each raw sender: connections the server closed after an answer
    queue: asyncio.Queue[tuple[int, float] | None] = asyncio.Queue()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"Authorization": f"Bearer {token}"}
    host, port = url.removeprefix("http://").split(":")
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=10.0,
                                 headers=headers) as client:  # fmt: skip

        async def send(
            raw: RawConnection | None, post_id: str, text: str
        ) -> tuple[int, dict[str, Any]]:
            if raw is None:
                response = await client.post("/v1/screen", json={"id": post_id, "text": text})
                return response.status_code, response.json()
            status, payload = await raw.post(orjson.dumps({"id": post_id, "text": text}))
            return status, orjson.loads(payload)

        async def sender() -> None:
            raw = RawConnection(host, int(port), token) if client_kind == "raw" else None
            while (job := await queue.get()) is not None:
                index, due = job
                post_id = f"{run_id}-{index}"
                started = time.perf_counter()
                lags.append(started - due)
                try:
                    status, answer = await send(raw, post_id, posts[index])
                except (httpx.HTTPError, OSError, asyncio.IncompleteReadError) as exc:
                    errors[type(exc).__name__] += 1
                    if raw is not None:
                        await raw.close()  # the next post opens a new connection
                    continue
                if status == 200 and answer.get("id") == post_id:
                    latencies.append(time.perf_counter() - started)
                    flagged.append(answer.get("verdict") != "allow")
                    sent_at.append(due - start)
                    answered.append(post_id)
                else:
                    errors[f"HTTP {status}"] += 1
            if raw is not None:
                await raw.close()
                shed.append(raw.reconnects)

        senders = [asyncio.create_task(sender()) for _ in range(concurrency)]
        start = time.perf_counter() + 0.2
        for index in range(len(posts)):
            due = start + index / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            queue.put_nowait((index, due))
        for _ in senders:
            queue.put_nowait(None)
        await asyncio.gather(*senders)
        elapsed = time.perf_counter() - start
    return Load(latencies, sent_at, lags, errors, answered, flagged, sum(shed), elapsed)


class RawConnection:
    """A bare HTTP/1.1 keep-alive connection over asyncio streams: ~20x less client CPU than
    httpx, for when the client, not the server, would be the bottleneck (--client raw)."""

    def __init__(self, host: str, port: int, token: str) -> None:
        self.host, self.port = host, port
        self.head = (
            f"POST /v1/screen HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
        )
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.reconnects = 0  # connections the server closed after an answer

    async def post(self, body: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(f"{self.head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
        status_line = await self.reader.readline()
        length, closing = 0, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "connection":
                closing = value.strip().lower() == "close"
        payload = await self.reader.readexactly(length)
        if closing:  # the server sheds this connection (`web.balance`): the next post reconnects
            self.reconnects += 1
            await self.close()
        return int(status_line.split()[1]), payload

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None


def run_client(load: Coroutine[Any, Any, T]) -> T:
    """Run the client on uvloop when installed (uvicorn[standard] brings it): less CPU than
    asyncio's own loop (raw client ~0.32 ms per request instead of ~0.38), CPU it would
    otherwise take from the server on a small machine."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(load)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(load)


@contextmanager
def client_collector_paused() -> Iterator[None]:
    """No garbage collection in this client while it measures.

    Why: the client holds the posts and the pipeline it imported to make them; a full collection
    over that heap stalled it for up to 54 ms (gen 1: 14 ms), and every request in flight was
    then timed that much slower: the client's pause, not the server's. The run's own garbage is
    small (a few MB), so it is simply left until the end.
    """
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.unfreeze()


def session_cpu_seconds(session: int) -> dict[int, float]:
    """CPU time (user + system) of each live process in a session, by pid: the server and its
    workers. Linux /proc only; empty elsewhere."""
    ticks, found = os.sysconf("SC_CLK_TCK"), {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # a process that ended meanwhile
        if int(fields[3]) == session:  # fields after the name: state, ppid, pgrp, session, ...
            found[int(stat.parent.name)] = (int(fields[11]) + int(fields[12])) / ticks
    return found


def postgres_cpu_seconds(postmaster: int) -> float:
    """CPU time of a PostgreSQL server: the postmaster and its children (backends, WAL writer,
    checkpointer...), those that are alive now. Linux /proc only."""
    ticks, total = os.sysconf("SC_CLK_TCK"), 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(stat.parent.name) == postmaster or int(fields[1]) == postmaster:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def slow_spread(latencies: list[float], sent_at: list[float], over_s: float = 0.010) -> str:
    """How the requests slower than the target spread over the run: many in few 100 ms windows
    means stalls (of the machine, a worker, the database) rather than steady queueing."""
    windows = Counter(int(at * 10) for at, took in zip(sent_at, latencies, strict=True)
                      if took > over_s)  # fmt: skip
    worst = ", ".join(f"{count} at {window / 10:.1f} s" for window, count in windows.most_common(3))
    return (
        f"over {over_s * 1000:g} ms  {sum(windows.values()):,} requests in {len(windows):,} "
        f"windows of 100 ms" + (f" (most: {worst})" if windows else "")
    )


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def check_storage(db: str, answered: list[str], run_id: str) -> str:
    import sqlalchemy as sa

    from redline.store.decisions import count_decisions
    from redline.store.engine import create_engine
    from redline.store.tables import decisions

    engine = create_engine(db)
    with engine.connect() as connection:
        rows, distinct = count_decisions(connection)
        stored = set(
            connection.execute(
                sa.select(decisions.c.id).where(decisions.c.id.like(f"{run_id}-%"))
            ).scalars()
        )
    engine.dispose()
    missing = set(answered) - stored
    verdict = "OK" if rows == distinct and not missing and len(stored) == len(answered) else "FAIL"
    return (
        f"storage {verdict}: {rows:,} rows, {distinct:,} distinct ids, {len(answered):,} answered, "
        f"{len(missing):,} answered but missing, {len(stored) - len(answered) + len(missing):,} "
        "stored but not answered"
    )


def measure(db: str, label: str, args: argparse.Namespace, postmaster: int | None = None) -> None:
    """One load run against `db`; `postmaster` (a local PostgreSQL) also gets its CPU counted."""
    port = free_port()
    made = subprocess.run(
        [*REDLINE, "token", "create", f"load-{port}", "--role", "screener", "--db", db],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    token = made.stdout.strip().splitlines()[-1]
    count = int(args.rate * args.duration)
    posts = texts(count, args.seed)
    server = start_server(db, port, args.workers, args.durable)
    run_id = f"run{port}"
    try:
        warm = posts[: args.warm_up]
        if warm:  # unrecorded: connections, thread pools and statement caches get made here
            run_client(
                run_load(f"http://127.0.0.1:{port}", token, warm, 50.0,
                         f"warm{port}", min(8, args.concurrency), args.client)
            )  # fmt: skip
        server_before, client_cpu = session_cpu_seconds(server.pid), time.process_time()
        ticks_before = CpuTicks.now()
        database_cpu = postgres_cpu_seconds(postmaster) if postmaster else 0.0
        with client_collector_paused():
            load = run_client(
                run_load(
                    f"http://127.0.0.1:{port}",
                    token,
                    posts,
                    args.rate,
                    run_id,
                    args.concurrency,
                    args.client,
                )
            )
        latencies, sent_at, lags, errors, answered = (
            load.latencies,
            load.sent_at,
            load.lags,
            load.errors,
            load.answered,
        )
        server_after = session_cpu_seconds(server.pid)
        machine = CpuTicks.now().since(ticks_before).shares()
        by_process = sorted(
            (server_after[pid] - server_before.get(pid, 0.0) for pid in server_after), reverse=True
        )
        server_cpu = sum(by_process)
        if postmaster:
            database_cpu = postgres_cpu_seconds(postmaster) - database_cpu
        client_cpu = time.process_time() - client_cpu
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    ms = 1000.0
    print(f"\n== {label}: {args.workers} workers, {args.client} client, {args.rate:g} req/s for "
          f"{args.duration:g} s ({count:,} requests) ==")  # fmt: skip
    print(f"machine      load average {os.getloadavg()[0]:.1f} at the end (other processes share "
          "the CPUs: compare runs under like loads)")  # fmt: skip
    if machine:
        print(f"             during the run: CPUs {machine[0]:.0%} busy, "
              f"{machine[1]:.1%} stolen by the hypervisor")  # fmt: skip
    print(f"throughput   {len(answered) / load.elapsed:,.0f} answered/s over {load.elapsed:.1f} s")
    print(
        f"latency ms   p50 {percentile(latencies, 0.5) * ms:.2f}  "
        f"p90 {percentile(latencies, 0.9) * ms:.2f}  p99 {percentile(latencies, 0.99) * ms:.2f}  "
        f"max {max(latencies, default=float('nan')) * ms:.2f}  "
        f"mean {statistics.fmean(latencies) * ms if latencies else float('nan'):.2f}"
    )
    print(slow_spread(latencies, sent_at))
    for kind, wanted in (("allow", False), ("flagged", True)):
        some = [took for took, was in zip(latencies, load.flagged, strict=True) if was == wanted]
        print(
            f"  {kind:<10} {len(some):,} answered: p50 {percentile(some, 0.5) * ms:.2f}  "
            f"p99 {percentile(some, 0.99) * ms:.2f} ms"
        )
    if args.client == "raw":
        print(f"reconnects   {load.shed:,} (connections a worker over its share closed)")
    print(f"client lag   p99 {percentile(lags, 0.99) * ms:.2f} ms (how late requests were sent)")
    per = ms / max(1, len(answered))
    print(
        f"CPU          server {server_cpu * per:.2f} ms/request (all workers), "
        + (f"PostgreSQL {database_cpu * per:.2f} ms/request, " if postmaster else "")
        + f"client {client_cpu * per:.2f} ms/request, on {os.cpu_count()} CPUs"
    )
    print(
        "server CPU   by process "
        + " / ".join(f"{seconds:.1f}" for seconds in by_process)
        + " s (workers first, busiest first; then the supervisor and its helper)"
    )
    print(f"errors       {sum(errors.values()):,}" + (f" {dict(errors)}" if errors else ""))
    print(check_storage(db, answered, run_id))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--db", help="use this database instead of a fresh one")
    parser.add_argument("--rate", type=float, default=500.0, help="requests per second")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument(
        "--client", choices=["httpx", "raw"], default="httpx",
        help="httpx (default), or raw asyncio HTTP/1.1 when the client is the bottleneck",
    )  # fmt: skip
    parser.add_argument("--warm-up", type=int, default=200, help="unrecorded requests first")
    parser.add_argument("--concurrency", type=int, default=32, help="connections in flight")
    parser.add_argument(
        "--durable", choices=["flagged", "all"], default="flagged",
        help="serve --durable: which commits wait for PostgreSQL's disk flush",
    )  # fmt: skip
    parser.add_argument(
        "--postgres-setting", action="append", default=[], metavar="NAME=VALUE",
        help="a server setting of the throwaway PostgreSQL, e.g. synchronous_commit=off",
    )  # fmt: skip
    args = parser.parse_args()
    print(
        f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} before start",
        flush=True,
    )
    if args.db:
        measure(args.db, args.db.split(":")[0], args)
        return
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(prefix="redline-load-") as folder:
            measure(f"sqlite:///{folder}/load.db", "SQLite (WAL)", args)
    if args.backend in ("postgresql", "both"):
        with throwaway_postgres(args.postgres_setting) as (url, postmaster):
            label = ", ".join(["PostgreSQL", f"--durable {args.durable}", *args.postgres_setting])
            measure(url, label, args, postmaster)


if __name__ == "__main__":
    main()
