"""A small HTTP proxy in front of the real catalogue service that can be told to misbehave.

Modes: "pass" (forward), "slow" (wait `delay` seconds, then forward), "garbage"
(200 with an HTML body), "wrong_shape" (200 with JSON that is not what the API
promises), "error" (503), "down" (close the connection without answering).
It counts requests and the If-None-Match headers it forwarded.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests


class FaultProxy:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.mode = "pass"
        self.delay = 0.0
        self.requests = 0
        self.conditional_requests = 0
        self.not_modified = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet tests
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                proxy.requests += 1
                mode = proxy.mode
                if mode == "down":
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                if mode == "slow":
                    time.sleep(proxy.delay)
                if mode == "error":
                    self.reply(503, b'{"error": {"code": "x", "message": "overloaded"}}', {})
                    return
                if mode == "garbage":
                    self.reply(
                        200, b"<html><body>Bad gateway, try later</body></html>", {"Cache-Control": "max-age=300"}
                    )
                    return
                if mode == "wrong_shape":
                    self.reply(200, b'{"unexpected": true}', {"Cache-Control": "max-age=300"})
                    return
                headers = {}
                if "If-None-Match" in self.headers:
                    proxy.conditional_requests += 1
                    headers["If-None-Match"] = self.headers["If-None-Match"]
                upstream = requests.get(proxy.upstream + self.path, headers=headers, timeout=10)
                if upstream.status_code == 304:
                    proxy.not_modified += 1
                passed = {k: v for k, v in upstream.headers.items() if k in ("ETag", "Cache-Control", "Content-Type")}
                self.reply(upstream.status_code, upstream.content, passed)

            def reply(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                headers.setdefault("Content-Type", "application/json")
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if status != 304:
                    self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FaultProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
