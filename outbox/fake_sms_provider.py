"""A stand-in for Twilio's Messages API that runs as a real HTTP server on loopback (a thread,
a random port): the tests and `manage.py bench_offers_sms` send to it over real sockets.

It checks basic auth, answers 201 with a message sid the way Twilio does, can fail a given
share of requests with 503 (deterministically: with 0.1, every tenth request), and records
every message it took, so that "none lost, none doubled" is counted on the receiving side:
`doubled` is the number of messages taken more than once for the same outbox idempotency key.
It can also play the provider's other half: signed delivery receipts and incoming SMS sent to
our webhooks.
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from outbox.webhooks import twilio_signature


@dataclass(frozen=True)
class TakenMessage:
    sid: str
    to: str
    body: str
    sender: str
    status_callback: str
    idempotency_key: str


class FakeSmsProvider:
    def __init__(
        self,
        *,
        account_sid: str = "ACfake",
        auth_token: str = "fake-token",
        failure_rate: float = 0.0,
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.failure_rate = failure_rate
        self.taken: list[TakenMessage] = []
        self.requests = 0
        self.failures = 0
        self.refused = 0
        self._lock = threading.Lock()
        self._sids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- the server ------------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the provider first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeSmsProvider:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args):
                return

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                status, payload = provider._handle(self.path, self.headers, raw)
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeSmsProvider:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _handle(self, path: str, headers, raw: str) -> tuple[int, dict]:
        expected_path = f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        credentials = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        with self._lock:
            self.requests += 1
            n = self.requests
            if path != expected_path:
                self.refused += 1
                return 404, {"code": 20404, "message": "The requested resource was not found"}
            if headers.get("Authorization") != f"Basic {credentials}":
                self.refused += 1
                return 401, {"code": 20003, "message": "Authenticate"}
            # Fail exactly round(n * rate) of the first n requests, spread evenly.
            if int(n * self.failure_rate) > int((n - 1) * self.failure_rate):
                self.failures += 1
                return 503, {"code": 20503, "message": "Service unavailable"}
            fields = dict(urllib.parse.parse_qsl(raw, keep_blank_values=True))
            to, body = fields.get("To", ""), fields.get("Body", "")
            if not to.startswith("+") or not body:
                self.refused += 1
                return 400, {"code": 21211, "message": "Invalid 'To' Phone Number"}
            sid = f"SM{next(self._sids):032x}"
            self.taken.append(
                TakenMessage(
                    sid=sid,
                    to=to,
                    body=body,
                    sender=fields.get("From", "") or fields.get("MessagingServiceSid", ""),
                    status_callback=fields.get("StatusCallback", ""),
                    idempotency_key=headers.get("Idempotency-Key", ""),
                )
            )
        return 201, {"sid": sid, "status": "queued", "to": to, "body": body}

    # --- what it received ------------------------------------------------------------------

    def distinct_keys(self) -> int:
        with self._lock:
            return len({m.idempotency_key for m in self.taken})

    def doubled(self) -> int:
        """Messages taken more than once for the same outbox message."""
        with self._lock:
            counts = Counter(m.idempotency_key for m in self.taken)
        return sum(n - 1 for n in counts.values() if n > 1)

    # --- the provider calling us -----------------------------------------------------------

    def signed_post(self, url: str, params: dict[str, str]) -> tuple[int, bytes]:
        """POST form parameters to one of our webhooks, signed as the provider signs them."""
        signature = twilio_signature(url=url, params=params, token=self.auth_token)
        request = urllib.request.Request(
            url,
            data=urllib.parse.urlencode(params).encode(),
            method="POST",
            headers={"X-Twilio-Signature": signature},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def receipt(self, message: TakenMessage, status: str, error_code: str = "") -> int:
        params = {
            "MessageSid": message.sid,
            "MessageStatus": status,
            "AccountSid": self.account_sid,
            "To": message.to,
        }
        if error_code:
            params["ErrorCode"] = error_code
        return self.signed_post(message.status_callback, params)[0]
