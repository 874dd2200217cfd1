"""`redline serve --workers 2`: one SO_REUSEPORT listening socket per worker, supervised."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from redline.cli import app
from redline.store import accounts
from redline.store.engine import create_engine
from redline.store.migrate import upgrade
from redline.web import workers as workers_module
from redline.web.balance import CHECK_EVERY

pytestmark = pytest.mark.skipif(not hasattr(socket, "SO_REUSEPORT"), reason="Linux/BSD only")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _listens_on(pid: int, port: int) -> bool:
    """Whether process `pid` holds a listening TCP socket on `port` (from /proc)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port, state, inode = int(fields[1].split(":")[1], 16), fields[3], fields[9]
        if local_port == port and state == "0A" and inode in inodes:  # 0A: LISTEN
            return True
    return False


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int, str]]:
    db = str(tmp_path / "served.db")
    engine = create_engine(db)
    upgrade(engine)
    with engine.begin() as connection:
        secret = accounts.create_token(connection, "platform", "screener")[1]
    engine.dispose()
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "redline.cli", "serve", "--db", db, "--port", str(port),
         "--workers", "2"], stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        workers = _children(process.pid)
        if sum(_listens_on(pid, port) for pid in workers) == 2:
            break
        time.sleep(0.3)
    try:
        yield process, port, secret
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_each_worker_listens_on_its_own_socket_and_all_stop_on_sigint(
    server: tuple[subprocess.Popen[bytes], int, str],
) -> None:
    process, port, secret = server
    workers = [pid for pid in _children(process.pid) if _listens_on(pid, port)]
    assert len(workers) == 2 and not _listens_on(process.pid, port)
    answer = httpx.post(f"http://127.0.0.1:{port}/v1/screen", timeout=30,
                        headers={"Authorization": f"Bearer {secret}"},
                        json={"id": "p1", "text": "香港验血查男女，加V预约"})  # fmt: skip
    assert answer.status_code == 200 and answer.json()["id"] == "p1"
    process.send_signal(signal.SIGINT)  # the supervisor alone: it stops the workers
    assert process.wait(60) == 0
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))  # the port is free again


def test_a_worker_that_dies_after_it_started_is_replaced(
    server: tuple[subprocess.Popen[bytes], int, str],
) -> None:
    process, port, secret = server
    workers = {pid for pid in _children(process.pid) if _listens_on(pid, port)}
    assert len(workers) == 2
    os.kill(min(workers), signal.SIGKILL)
    deadline = time.monotonic() + 120
    serving: set[int] = set()
    while time.monotonic() < deadline and process.poll() is None:
        serving = {pid for pid in _children(process.pid) if _listens_on(pid, port)}
        if len(serving) == 2 and serving != workers:
            break
        time.sleep(0.3)
    assert process.poll() is None  # the server goes on
    assert len(serving) == 2 and serving - workers and max(workers) in serving  # one new worker
    for index in range(4):  # both serve, the new one too (connections spread by hash)
        answer = httpx.post(f"http://127.0.0.1:{port}/v1/screen", timeout=30,
                            headers={"Authorization": f"Bearer {secret}"},
                            json={"id": f"p{index}", "text": "天气好"})  # fmt: skip
        assert answer.status_code == 200
    process.send_signal(signal.SIGINT)
    assert process.wait(60) == 0
    assert b"starting another" in process.stderr.read()  # type: ignore[union-attr]


def test_a_worker_that_cannot_start_stops_the_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Workers that fail before serving (here: a database whose schema is not current, which
    they refuse to upgrade) are not restarted in a loop: the server stops with status 1."""
    unmigrated = tmp_path / "empty.db"
    create_engine(unmigrated).dispose()
    monkeypatch.setenv("REDLINE_DB_URL", f"sqlite:///{unmigrated}")
    assert workers_module.serve("127.0.0.1", _free_port(), 2, "critical") == 1
    assert "a worker failed to start" in capsys.readouterr().err


def test_a_taken_port_is_a_usage_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(
            app, ["serve", "--db", str(tmp_path / "s.db"), "--port", str(port), "--workers", "2"]
        )
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.output


def test_a_worker_doing_all_the_work_sheds_the_keep_alive_connection(
    server: tuple[subprocess.Popen[bytes], int, str],
) -> None:
    _, port, secret = server
    closed_after: list[int] = []
    with httpx.Client(
        base_url=f"http://127.0.0.1:{port}",
        headers={"Authorization": f"Bearer {secret}"},
        limits=httpx.Limits(max_connections=1),
        timeout=30,
    ) as client:  # one connection: whichever worker holds it answers everything
        for number in range(1, CHECK_EVERY + 51):
            answer = client.post("/v1/screen", json={"id": f"p{number}", "text": "你好"})
            assert answer.status_code == 200 and answer.json()["id"] == f"p{number}"
            if answer.headers.get("connection") == "close":
                closed_after.append(number)
    assert closed_after == [CHECK_EVERY]  # at its first check; the client reconnected and went on
