"""Names shared by the runtime, the stack and the tests: defined once, imported everywhere.

Nothing here imports anything beyond the standard library, so infra code may import it to
name the table's keys and the functions' environment variables.
"""

from __future__ import annotations

# --- Table keys -------------------------------------------------------------------------
PARTITION_KEY = "pk"
SORT_KEY = "sk"
TTL_ATTRIBUTE = "expires_at"

# One busy function is spread over this many partition-key values (see keys.py and the
# README's key design). Changing it would move data between keys: it is fixed for good.
INVOCATION_SHARDS = 16
# The function catalog (first/last seen, memory, architecture) is spread the same way so
# that thousands of functions updating their entries never pile onto one partition.
CATALOG_SHARDS = 8

# --- Record fields: the public contract returned by the query API as they are ------------
RECORD_FIELDS: tuple[str, ...] = (
    "function",
    "version",
    "request_id",
    "timestamp",
    "duration_ms",
    "billed_duration_ms",
    "memory_size_mb",
    "max_memory_used_mb",
    "init_duration_ms",
    "restore_duration_ms",
    "billed_restore_duration_ms",
    "status",
    "error_type",
    "cold_start",
    "xray_trace_id",
)

STATUS_SUCCESS = "success"
STATUS_TIMEOUT = "timeout"
STATUS_ERROR = "error"
STATUS_FAILURE = "failure"
STATUSES = frozenset({STATUS_SUCCESS, STATUS_TIMEOUT, STATUS_ERROR, STATUS_FAILURE})

# --- Environment contract of the Lambda functions ----------------------------------------
ENV_TABLE_NAME = "TABLE_NAME"
ENV_RECORD_TTL_DAYS = "RECORD_TTL_DAYS"
ENV_WRITE_CONCURRENCY = "WRITE_CONCURRENCY"
ENV_PRICE_X86_64_GB_SECOND = "PRICE_X86_64_GB_SECOND"
ENV_PRICE_ARM64_GB_SECOND = "PRICE_ARM64_GB_SECOND"
ENV_PRICE_PER_MILLION_REQUESTS = "PRICE_PER_MILLION_REQUESTS"

# us-east-1 list prices (first tier), the defaults when the stack's context sets none.
DEFAULT_PRICE_X86_64_GB_SECOND = 0.0000166667
DEFAULT_PRICE_ARM64_GB_SECOND = 0.0000133334
DEFAULT_PRICE_PER_MILLION_REQUESTS = 0.20

# Catalog item attributes (one item per function; see keys.py).
CATALOG_FIRST_SEEN = "first_seen"
CATALOG_LAST_SEEN = "last_seen"
CATALOG_ARCHITECTURE = "architecture"
# The catalog's last_seen may lag the newest invocation by up to this much (store.py).
CATALOG_LAST_SEEN_RESOLUTION_MS = 60_000
