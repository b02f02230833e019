"""A local SMS provider for tests: the HTTP provider interface on the loopback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class SmsProvider:
    """Answers ``status``/``answer`` to every message and records each request."""

    url: str = ""
    status: int = 200
    answer: bytes = b'{"id": "msg-42"}'
    requests: list[dict[str, Any]] = field(default_factory=list)

    def url_with_secret(self, secret: str) -> str:
        """The SMS_URL that sends ``secret`` as the bearer token."""
        return self.url.replace("http://", f"http://{secret}@", 1)

    def messages(self) -> list[dict[str, Any]]:
        """The JSON bodies received (to, from, body)."""
        return [json.loads(request["body"]) for request in self.requests]


@contextmanager
def serving_sms_provider() -> Iterator[SmsProvider]:
    state = SmsProvider()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            state.requests.append(
                {"path": self.path, "headers": dict(self.headers), "body": self.rfile.read(length)}
            )
            self.send_response(state.status)
            self.send_header("Content-Length", str(len(state.answer)))
            self.end_headers()
            self.wfile.write(state.answer)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep the test output quiet

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/v1/messages"
    # A short poll keeps shutdown (each test's teardown) quick.
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
