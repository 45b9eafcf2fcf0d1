"""Which Lambda function and version wrote a log stream: pure, standard library only.

- Default group ``/aws/lambda/<name>``; stream ``YYYY/MM/DD/[<version>]<32 hex>``.
- Custom or shared group (LoggingConfig.LogGroup, any name): the stream carries the name,
  ``YYYY/MM/DD/<name>[<version>]<32 hex>``.
- Lambda@Edge: ``/aws/lambda/us-east-1.<name>`` in every Region where a replica ran.

The account-level subscription sends matching lines from every log group, so a group
and stream that fit none of these belong to no Lambda function and are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Function names: letters, digits, hyphen and underscore, at most 64 characters.
_NAME = r"[A-Za-z0-9_-]{1,64}"
_VERSION = r"\$LATEST|\d+"

_DEFAULT_GROUP = re.compile(rf"/aws/lambda/(?:(?P<edge>us-east-1)\.)?(?P<name>{_NAME})")
_DEFAULT_STREAM = re.compile(rf"\d{{4}}/\d{{2}}/\d{{2}}/\[(?P<version>{_VERSION})\][0-9a-f]{{32}}")
_NAMED_STREAM = re.compile(rf"\d{{4}}/\d{{2}}/\d{{2}}/(?P<name>{_NAME})\[(?P<version>{_VERSION})\][0-9a-f]{{32}}")


@dataclass(frozen=True, slots=True)
class FunctionRef:
    name: str
    version: str | None
    edge: bool = False


def function_from_log_source(log_group: str, log_stream: str) -> FunctionRef | None:
    """The function behind a log group and stream, or None when it is not a Lambda's."""
    named = _NAMED_STREAM.fullmatch(log_stream)
    if named:
        # Custom groups may have any name, /aws/lambda/... included: the stream decides.
        return FunctionRef(named["name"], named["version"])
    group = _DEFAULT_GROUP.fullmatch(log_group)
    if group is None:
        return None
    stream = _DEFAULT_STREAM.fullmatch(log_stream)
    # A default group with an unfamiliar stream name is still that function's group; the
    # version is then unknown rather than guessed.
    version = stream["version"] if stream else None
    return FunctionRef(group["name"], version, edge=group["edge"] is not None)
