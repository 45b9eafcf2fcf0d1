"""A loopback stand-in for the one Lambda API call ingest makes: GetFunctionConfiguration.

Local mode points boto3 at it with ``AWS_ENDPOINT_URL_LAMBDA`` (as DynamoDB Local is reached
with ``AWS_ENDPOINT_URL_DYNAMODB``), so the ingest handler runs unchanged. Functions it knows
(the demo workload's) answer with their architecture and memory; any other name answers
ResourceNotFoundException, as a deleted function does in AWS: the catalog then has no
architecture and queries price it as x86_64 and say so.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

_PATH = re.compile(r"/2015-03-31/functions/([^/]+)/configuration/?")


class LambdaStub:
    def __init__(self, functions: dict[str, tuple[str, int]]):
        """``functions``: name -> (architecture, memory MB)."""
        self.functions = dict(functions)
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # the name http.server calls
                match = _PATH.fullmatch(self.path.split("?")[0])
                name = match[1] if match else None
                if name is None or name not in stub.functions:
                    self._answer(
                        404,
                        {"Type": "User", "Message": f"Function not found: {name}"},
                        error="ResourceNotFoundException",
                    )
                    return
                architecture, memory = stub.functions[name]
                self._answer(
                    200,
                    {
                        "FunctionName": name,
                        "Architectures": [architecture],
                        "MemorySize": memory,
                        "Runtime": "python3.14",
                    },
                )

            def _answer(self, status: int, body: dict[str, Any], error: str | None = None) -> None:
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                if error:
                    self.send_header("x-amzn-ErrorType", error)
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:  # http.server's signature
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> LambdaStub:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
