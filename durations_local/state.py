"""What ``local up`` leaves running, recorded under the git-ignored .local/ folder."""

from __future__ import annotations

import json
import os
import signal
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from durations_local.environment import STATE_DIR

STATE_ENV = "LAMBDA_DURATIONS_LOCAL_STATE"


def state_file() -> Path:
    """Where ``local up`` records its instance (another path for tests, through the environment)."""
    return Path(os.environ.get(STATE_ENV) or STATE_DIR / "local-up.json")


class NotRunning(RuntimeError):
    pass


@dataclass(frozen=True)
class LocalState:
    pid: int
    endpoint_url: str
    table_name: str
    db_path: str

    def save(self, path: Path | None = None) -> None:
        path = path or state_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(self), indent=2) + "\n")

    @classmethod
    def load(cls, path: Path | None = None) -> LocalState:
        path = path or state_file()
        if not path.exists():
            raise NotRunning("local mode is not running: start it with `lambda-durations local up` (or run make demo)")
        state = cls(**json.loads(path.read_text()))
        if not _alive(state.pid):
            path.unlink(missing_ok=True)
            raise NotRunning("local mode was started but has stopped: start it again with `lambda-durations local up`")
        return state


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop(state: LocalState, path: Path | None = None, timeout_s: float = 15.0) -> None:
    """Stop the DynamoDB Local that ``local up`` started, and forget it."""
    if _alive(state.pid):
        os.kill(state.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        while _alive(state.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _alive(state.pid):
            os.kill(state.pid, signal.SIGKILL)
    (path or state_file()).unlink(missing_ok=True)
