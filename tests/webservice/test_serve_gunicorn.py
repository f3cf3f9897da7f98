"""One real `serve` under gunicorn on loopback: verification on, bad input, still serving."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import pytest

from skill.web.app import MAX_BODY_BYTES

from .cases import SKILL_ID

REPO = Path(__file__).resolve().parents[2]
SERVE = """
import argparse, sys
from skill.web.server import serve_command
from skill.web.settings import add_serve_arguments
parser = argparse.ArgumentParser()
add_serve_arguments(parser)
sys.exit(serve_command(parser.parse_args(sys.argv[1:])))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, args, env):
        self.lines: list[str] = []
        self.ready = threading.Event()
        self.proc = subprocess.Popen([sys.executable, "-c", SERVE, *args], cwd=REPO, env=env,
                                     stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stderr:
            self.lines.append(line)
            if "Booting worker" in line:
                self.ready.set()
        self.ready.set()  # exited: let the test see why

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=15)


def send(port, body: bytes, headers=None, method="POST", path="/"):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body,
                                     headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture
def server(trust_bundle, chain_server, tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AFTERCARE_")}
    env.update(PYTHONPATH=str(REPO), AFTERCARE_TRUST_BUNDLE=trust_bundle,
               AFTERCARE_CERT_CHAIN_ORIGIN=chain_server.origin, AFTERCARE_SKILL_ID=SKILL_ID,
               AFTERCARE_SQLITE_PATH=str(tmp_path / "store.sqlite3"))
    server = Server(["--port", str(port), "--workers", "1"], env)
    assert server.ready.wait(timeout=30) and server.proc.poll() is None, "".join(server.lines)
    server.port = port
    yield server
    server.stop()


def test_serve_answers_verifies_and_survives_bad_input(server, requests_):
    now = datetime.now(timezone.utc)  # the server runs on the real clock
    good = requests_.wire(requests_.envelope(at=now))
    status, body = send(server.port, good.body, good.headers)
    assert status == 200, body
    assert json.loads(body)["response"]["outputSpeech"]["ssml"].startswith("<speak>")

    forged = requests_.wire(requests_.envelope(at=now), key=requests_.pki.other_key)
    bad = [
        (send(server.port, forged.body, forged.headers), 400),
        (send(server.port, b"not json", good.headers), 400),
        (send(server.port, b" " * (MAX_BODY_BYTES + 1), good.headers), 413),
        (send(server.port, None, method="GET"), 405),
        (send(server.port, None, method="GET", path="/healthz"), 200),
    ]
    for (status, body), expected in bad:
        assert status == expected, body
        assert b"Traceback" not in body

    again = requests_.wire(requests_.envelope(at=now))
    assert send(server.port, again.body, again.headers)[0] == 200
    assert server.proc.poll() is None
    log = "".join(server.lines)
    assert "does not match the body" in log and "Traceback" not in log
    assert "amzn1.ask.account" not in log


def _raw(port, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(data)
        conn.shutdown(socket.SHUT_WR)
        reply = b""
        while chunk := conn.recv(65536):
            reply += chunk
    return reply


def test_a_bad_chunk_size_is_a_400_not_a_500(server):
    head = (b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
    for body in (b"zz\r\n{}\r\n0\r\n\r\n", b"-5\r\n{}\r\n0\r\n\r\n", b"2\r\n{}XX0\r\n\r\n"):
        reply = _raw(server.port, head + body)
        status = int(reply.split(b" ", 2)[1])
        assert status == 400, reply[:200]
    assert server.proc.poll() is None
