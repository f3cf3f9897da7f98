"""Throughput and latency of the self-hosted endpoint against a bare Flask endpoint.

Starts three servers on 127.0.0.1, each gunicorn with 2 sync workers and
deploy/gunicorn.conf.py:
  * `aftercare serve` with request verification on: requests signed by the test PKI,
    the chain served once per worker from a loopback stand-in for S3, then cached;
  * `aftercare serve --no-verify` (the skill id is still checked);
  * a bare Flask endpoint that returns fixed JSON.
It drives each in turn with wrk (Debian package `wrk`) or, without it, a bounded Python
load generator, and writes req/s and p50/p99 latency to the table in bench/README.md.

    .venv/bin/python bench/bench_webservice.py [--duration 8] [--rounds 3] [--connections 4]

Every load loop is bounded in time and in request count, and only 127.0.0.1 is contacted.
Until `aftercare serve` exists, the skill servers are started with gunicorn directly.
"""
from __future__ import annotations

# Only the standard library at the top: gunicorn imports this file for create_bare_app().
import argparse
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = REPO / "bench" / "README.md"
GUNICORN_CONFIG = REPO / "deploy" / "gunicorn.conf.py"
START, END = "<!-- bench-webservice:start -->", "<!-- bench-webservice:end -->"
MAX_REQUESTS_PER_RUN = 400_000  # a hard stop even if the clock misbehaves
TARGETS = {"off": 0.6, "on": 0.5}
P99_TARGET_MS = 25.0

# Close to the shape and size of the skill's own launch answer (1.0 KB against 1.4 KB), so
# the comparison is the work behind the answer rather than its length.
_SPEECH = ("<speak>Welcome to needling aftercare. I share general tips for after dry "
           "needling, not medical advice. You can ask: how long will I be sore, can I take "
           "ibuprofen, or should I use heat or ice? What would you like to know?</speak>")
BARE_RESPONSE = {
    "version": "1.0",
    "sessionAttributes": {"mode": "conversation", "last": {"speech": _SPEECH[7:-8]}},
    "response": {
        "outputSpeech": {"type": "SSML", "ssml": _SPEECH},
        "card": {"type": "Standard", "title": "Needling aftercare",
                 "text": "General aftercare tips after dry needling. Not a substitute for "
                         "professional medical advice. For chest pain or trouble breathing, "
                         "call 911 now."},
        "reprompt": {"outputSpeech": {"type": "SSML",
                                      "ssml": "<speak>Try asking, can I go to the gym today?</speak>"}},
        "shouldEndSession": False},
    "userAgent": "ask-python/1.19.0 Python/3.11 flask-ask-sdk",
}


def create_bare_app():
    """The baseline: Flask answering every POST with the same JSON, nothing else."""
    from flask import Flask, jsonify

    app = Flask("bare")
    app.add_url_rule("/", "answer", lambda: jsonify(BARE_RESPONSE), methods=["POST"])
    app.add_url_rule("/healthz", "healthz", lambda: jsonify(status="ok"))
    return app


# --- Servers --------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def venv_bin(name: str) -> Path:
    return Path(sys.executable).parent / name


def aftercare_serve_available() -> bool:
    script = venv_bin("aftercare")
    if not script.exists():
        return False
    probe = subprocess.run([str(script), "serve", "--help"], capture_output=True, timeout=60)
    return probe.returncode == 0


class Server:
    def __init__(self, name: str, argv: list[str], env: dict[str, str], port: int, log: Path):
        self.name, self.port, self.log_path = name, port, log
        self._log = log.open("w")
        self.proc = subprocess.Popen(argv, cwd=REPO, env=env, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + "healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.name} not ready after {seconds}s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()  # the gunicorn master stops its own workers
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self._log.close()


def skill_server(name: str, port: int, verify: bool, env: dict[str, str], tmp: Path,
                 use_cli: bool) -> Server:
    from tests.webservice.cases import SKILL_ID

    env = {**env, "AFTERCARE_SKILL_ID": SKILL_ID}
    if use_cli:
        argv = [str(venv_bin("aftercare")), "serve", "--host", "127.0.0.1", "--port", str(port),
                "--workers", "2", "--skill-id", SKILL_ID] + ([] if verify else ["--no-verify"])
    else:
        env.update(AFTERCARE_HOST="127.0.0.1", AFTERCARE_PORT=str(port), AFTERCARE_WORKERS="2",
                   AFTERCARE_VERIFY="1" if verify else "0")
        argv = [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONFIG)]
    return Server(name, argv, env, port, tmp / f"{name}.log")


def bare_server(port: int, env: dict[str, str], tmp: Path) -> Server:
    argv = [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONFIG),
            "--bind", f"127.0.0.1:{port}", "--workers", "2",
            "--pythonpath", str(REPO / "bench"), "bench_webservice:create_bare_app()"]
    return Server("bare", argv, env, port, tmp / "bare.log")


def post_status(url: str, body: bytes, headers: dict) -> int:
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            answer = json.loads(response.read())
            assert answer["response"]["outputSpeech"]["ssml"].startswith("<speak>"), answer
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


# --- Load -----------------------------------------------------------------------------------

@dataclass
class Result:
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx answers, socket errors, timeouts


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _wrk_ms(text: str, label: str) -> float:
    match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", text, re.MULTILINE)
    if not match:
        raise RuntimeError(f"no {label}% latency in wrk output:\n{text}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def run_wrk(url: str, body: bytes, headers: dict, seconds: float, connections: int,
            tmp: Path, threads: int = 1) -> Result:
    body_file = tmp / "body.json"
    body_file.write_bytes(body)
    per_thread_cap = MAX_REQUESTS_PER_RUN // threads
    lines = [f'local f = io.open("{body_file}", "rb")', "wrk.body = f:read('*a')", "f:close()",
             'wrk.method = "POST"']
    lines += [f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items()]
    lines += ["local count = 0", "function response(status, headers, body)",
              "  count = count + 1",
              f"  if count >= {per_thread_cap} then wrk.thread:stop() end", "end"]
    script = tmp / "post.lua"
    script.write_text("\n".join(lines) + "\n")
    argv = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency",
            "--timeout", "5s", "-s", str(script), url]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60).stdout
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(int(n) for n in socket_errors.groups()) if socket_errors else 0)
    return Result(total, float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
                  _wrk_ms(out, "50"), _wrk_ms(out, "99"), errors)


def run_python(url: str, body: bytes, headers: dict, seconds: float, connections: int,
               tmp: Path, threads: int = 1) -> Result:
    """Fallback without wrk: one thread per connection, bounded by time and count."""
    import http.client

    host, port = "127.0.0.1", int(url.rsplit(":", 1)[1].strip("/"))
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    cap = MAX_REQUESTS_PER_RUN // connections
    deadline = time.monotonic() + seconds

    def worker():
        mine, bad = [], 0
        for _ in range(cap):
            if time.monotonic() >= deadline:
                break
            began = time.perf_counter()
            try:
                conn = http.client.HTTPConnection(host, port, timeout=5)
                conn.request("POST", "/", body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                conn.close()
                bad += response.status != 200
            except OSError:
                bad += 1
            mine.append(time.perf_counter() - began)
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    began = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    return Result(len(latencies), len(latencies) / elapsed, pick(0.50), pick(0.99), errors[0])


# --- Report ---------------------------------------------------------------------------------

def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import ssl
    return (f"{model}, {os.cpu_count()} vCPU, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, {ssl.OPENSSL_VERSION}")


def tool_version(tool: str) -> str:
    if tool != "wrk":
        return "bounded Python load generator"
    out = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout
    return out.split(" Copyright")[0].strip() or "wrk"


def render(results: dict[str, list[Result]], args, tool: str, started_with: str,
           downloads: int) -> str:
    def median(key: str, attr: str) -> float:
        return statistics.median(getattr(r, attr) for r in results[key])

    # Each round measures the three endpoints back to back, so a ratio within one round is
    # immune to the machine getting busier or quieter between rounds.
    ratios = {key: sorted(r.rps / b.rps for r, b in zip(results[key], results["bare"]))
              for key in results}
    rows = [("Bare Flask, fixed JSON", "n/a", "bare"),
            ("`aftercare serve`", "off (`--no-verify`)", "off"),
            ("`aftercare serve`", "on (signed, chain cached)", "on")]
    table = ["| endpoint | verification | req/s | vs bare (range) | target | p50 ms | p99 ms | errors |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for label, verification, key in rows:
        ratio = statistics.median(ratios[key])
        spread = f" ({ratios[key][0]:.2f}-{ratios[key][-1]:.2f})" if key != "bare" else ""
        target = f"≥ {TARGETS[key]}x" if key in TARGETS else ""
        errors = sum(r.errors for r in results[key])
        table.append(f"| {label} | {verification} | {median(key, 'rps'):,.0f} | {ratio:.2f}x{spread} "
                     f"| {target} | {median(key, 'p50_ms'):.2f} | {median(key, 'p99_ms'):.2f} | {errors} |")
    met = {key: statistics.median(ratios[key]) >= target for key, target in TARGETS.items()}
    p99_met = all(median(key, "p99_ms") <= P99_TARGET_MS for key in TARGETS)
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    verdict = ", ".join(f"verification {key} {'met' if ok else 'NOT met'}" for key, ok in met.items())
    return "\n".join([
        START,
        f"Measured {when} by `bench/bench_webservice.py`: {args.connections} connections, "
        f"{tool_version(tool)} ({args.threads} thread), {args.rounds} interleaved rounds of "
        f"{args.duration:g} s per endpoint after {args.warmup:g} s of warm-up; req/s, p50 and p99 "
        "are medians over the rounds, \"vs bare\" the median of each round's ratio (range "
        f"in brackets). Servers started with {started_with}, 2 sync workers each, "
        "`deploy/gunicorn.conf.py`.",
        "",
        f"Machine: {machine()}. The load generator shares the CPUs with the servers.",
        "",
        *table,
        "",
        f"Targets: throughput ≥ 0.6x bare with verification off and ≥ 0.5x with it on "
        f"({verdict}); p99 ≤ {P99_TARGET_MS:g} ms at {args.connections} connections "
        f"({'met' if p99_met else 'NOT met'}). Chain downloads by the verifying server: "
        f"{downloads} (one per worker, then cached).",
        END,
    ])


def write_readme(section: str) -> None:
    text = README.read_text() if README.exists() else "# Benchmarks\n"
    if START in text and END in text:
        text = text[:text.index(START)] + section + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n## Web service\n\n" + section + "\n"
    README.write_text(text)


# --- Main -----------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=6.0, help="seconds per measured run")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up per endpoint")
    parser.add_argument("--rounds", type=int, default=5,
                        help="measured runs per endpoint, interleaved; the table shows medians")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1,
                        help="wrk threads (one keeps the client off the servers' second CPU)")
    parser.add_argument("--tool", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--no-readme", action="store_true", help="print the table only")
    args = parser.parse_args(argv)
    tool = args.tool if args.tool != "auto" else ("wrk" if shutil.which("wrk") else "python")
    load = run_wrk if tool == "wrk" else run_python

    sys.path.insert(0, str(REPO))
    from tests.webservice.cases import Requests
    from tests.webservice.chain_server import ChainServer
    from tests.webservice.pki import LocalPki

    pki = LocalPki()
    signer = Requests(pki)
    use_cli = aftercare_serve_available()
    started_with = "`aftercare serve`" if use_cli else "gunicorn directly (no `aftercare serve` yet)"
    servers: list[Server] = []
    with tempfile.TemporaryDirectory(prefix="bench-webservice-") as tmp_name, \
            ChainServer({"/echo.api/bench.pem": pki.chains["good.pem"]}) as chains:
        tmp = Path(tmp_name)
        (tmp / "root.pem").write_bytes(pki.root_pem)
        # The caller's AFTERCARE_* settings could relabel a run (AFTERCARE_VERIFY=0 would turn
        # the "on" server off): only the log level is passed through.
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("AFTERCARE_") or k == "AFTERCARE_LOG_LEVEL"}
        env.update(PYTHONPATH=str(REPO), AFTERCARE_TRUST_BUNDLE=str(tmp / "root.pem"),
                   AFTERCARE_CERT_CHAIN_ORIGIN=chains.origin,
                   AFTERCARE_SQLITE_PATH=str(tmp / "store.sqlite3"))  # the default store
        try:
            servers = [bare_server(free_port(), env, tmp),
                       skill_server("off", free_port(), False, env, tmp, use_cli),
                       skill_server("on", free_port(), True, env, tmp, use_cli)]
            for server in servers:
                server.wait_ready()
            by_name = {"bare": servers[0], "off": servers[1], "on": servers[2]}

            def signed_request(key=None):
                # Signed afresh for every run: the timestamp must stay within 150 s.
                wire = signer.wire(signer.envelope(at=datetime.now(timezone.utc)),
                                   chain="bench.pem", key=key)
                return wire.body, wire.headers

            # Before any load: each server answers, and the verifying one really verifies.
            for name, server in by_name.items():
                assert post_status(server.url, *signed_request()) == 200, name
            forged = signed_request(key=pki.other_key)
            assert post_status(by_name["on"].url, *forged) == 400, "verification is not on"
            assert post_status(by_name["off"].url, *forged) == 200, "verification is not off"

            results: dict[str, list[Result]] = {name: [] for name in by_name}
            for name, server in by_name.items():
                load(server.url, *signed_request(), args.warmup, args.connections, tmp,
                     args.threads)
            for round_ in range(args.rounds):
                for name, server in by_name.items():
                    result = load(server.url, *signed_request(), args.duration,
                                  args.connections, tmp, args.threads)
                    results[name].append(result)
                    print(f"round {round_ + 1} {name:>4}: {result.rps:8.0f} req/s  "
                          f"p50 {result.p50_ms:6.2f} ms  p99 {result.p99_ms:6.2f} ms  "
                          f"errors {result.errors}", flush=True)
        finally:
            for server in servers:
                server.stop()
        downloads = chains.hits["/echo.api/bench.pem"]

    section = render(results, args, tool, started_with, downloads)
    print(section)
    if not args.no_readme:
        write_readme(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
