"""A loopback HTTP server standing in for Amazon's S3 bucket of signing chains.

Serves fixed files, counts every GET per path (to prove caching), answers 404 for unknown
paths, redirects where told to, and holds "slow" paths until the server closes, so a
download timeout can be tested without the test itself sleeping.
"""
from __future__ import annotations

import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that gives up first (a refused 404, a timeout) is expected here.
        pass


class ChainServer:
    def __init__(self, files: dict[str, bytes], *, slow: tuple[str, ...] = (),
                 redirects: dict[str, str] | None = None):
        self.files, self.slow, self.redirects = dict(files), set(slow), dict(redirects or {})
        self.hits: Counter[str] = Counter()
        self._release = threading.Event()
        self._httpd = _QuietServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def origin(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> "ChainServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._release.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.hits[self.path] += 1
                if self.path in server.slow:
                    server._release.wait(timeout=10)  # until the test session closes
                if self.path in server.redirects:
                    self.send_response(302)
                    self.send_header("Location", server.redirects[self.path])
                    self.end_headers()
                    return
                body = server.files.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/x-pem-file")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # keep test output clean
                pass

        return Handler
