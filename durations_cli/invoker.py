"""Calls the deployed query function: finds it from the stack's outputs and invokes it.

``Invoker`` is what the commands depend on: anything callable with a request dict that
returns the response dict. ``LambdaInvoker`` is the real one (boto3); tests give the
commands another (for instance the query handler itself, in-process).

Every AWS failure a user can fix (no credentials, no Region, stack not deployed, ...) is
raised as a ``CliError`` whose message says what to do; the command line prints it
without a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
)

DEFAULT_STACK_NAME = "LambdaDurations"
QUERY_FUNCTION_OUTPUT = "QueryFunctionName"

# A query reads a whole window before answering: wait as long as a Lambda may run.
_LAMBDA_CONFIG = Config(
    connect_timeout=10,
    read_timeout=900,
    retries={"mode": "standard", "max_attempts": 3},
)

_CREDENTIALS_HELP = (
    "configure a profile (aws configure) or set AWS_PROFILE, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
)
_INVALID_CREDENTIAL_CODES = frozenset(
    {
        "ExpiredToken",
        "ExpiredTokenException",
        "RequestExpired",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
    }
)


class CliError(Exception):
    """A failure the user can act on: printed as is, no traceback."""

    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NoCredentials(CliError):
    pass


class StackNotDeployed(CliError):
    pass


class StackOutputMissing(CliError):
    pass


class FunctionFailed(CliError):
    """The query function raised (a function error) or answered something that is not JSON."""


class AwsCallFailed(CliError):
    pass


class ValidationFailed(CliError):
    """The query function rejected the request: ``{"error": {"type": "ValidationError", ...}}``."""

    exit_code = 2

    def __init__(self, message: str, field: str | None):
        text = f"Invalid request: {message}"
        if field is not None:
            text += f" (field: {field})"
        super().__init__(text)
        self.reason = message
        self.field = field


class Invoker(Protocol):
    def __call__(self, request: dict[str, Any]) -> dict[str, Any]: ...


def raise_for_error(response: Any) -> dict[str, Any]:
    """The response itself, or ``ValidationFailed`` when it is the API's error shape."""
    if not isinstance(response, dict):
        raise FunctionFailed(f"The query function answered with a {type(response).__name__}, not a JSON object")
    error = response.get("error")
    if isinstance(error, dict):
        message = str(error.get("message", "the request was rejected"))
        field = error.get("field")
        if error.get("type") == "ValidationError":
            raise ValidationFailed(message, str(field) if field is not None else None)
        raise FunctionFailed(f"The query function answered with an error ({error.get('type')}): {message}")
    return response


@dataclass(frozen=True)
class AwsOptions:
    """Where the stack is: the global options of the command line."""

    stack_name: str = DEFAULT_STACK_NAME
    region: str | None = None
    profile: str | None = None
    query_function: str | None = None  # skips the stack lookup when given


def _region_text(region: str | None) -> str:
    return region or "the default Region"


@contextmanager
def aws_errors(region: str | None = None) -> Iterator[None]:
    """Turns the botocore errors a user can fix into ``CliError`` messages."""
    try:
        yield
    except (NoCredentialsError, PartialCredentialsError) as error:
        detail = "" if isinstance(error, NoCredentialsError) else f" ({error})"
        raise NoCredentials(f"No AWS credentials found: {_CREDENTIALS_HELP}{detail}") from None
    except NoRegionError:
        raise AwsCallFailed("No AWS Region configured: pass --region, or set AWS_REGION") from None
    except ProfileNotFound as error:
        raise AwsCallFailed(f"{error}: check --profile or AWS_PROFILE (aws configure list-profiles)") from None
    except ClientError as error:
        info = error.response.get("Error", {})
        code = str(info.get("Code", "Unknown"))
        message = str(info.get("Message", error))
        if code in _INVALID_CREDENTIAL_CODES:
            raise NoCredentials(
                f"The AWS credentials were refused ({code}: {message}): refresh them (aws sso login, or new keys)"
            ) from None
        raise AwsCallFailed(f"AWS {error.operation_name} failed in {_region_text(region)}: {code}: {message}") from None
    except BotoCoreError as error:
        raise AwsCallFailed(f"AWS call failed: {error}") from None


class LambdaInvoker:
    """Invokes the stack's query function (RequestResponse) and decodes its answer.

    ``session`` is a ``boto3.Session`` or anything with ``client(name, **kwargs)`` and
    ``region_name``. The function's name is looked up once, on the first call.
    """

    def __init__(self, session: Any, stack_name: str = DEFAULT_STACK_NAME, *, function_name: str | None = None):
        self._session = session
        self._stack_name = stack_name
        self._function_name = function_name
        self._lambda: Any = None

    @classmethod
    def from_options(cls, options: AwsOptions, *, session_factory: Callable[..., Any] = boto3.Session) -> LambdaInvoker:
        with aws_errors(options.region):
            session = session_factory(profile_name=options.profile, region_name=options.region)
        return cls(session, options.stack_name, function_name=options.query_function)

    @property
    def region(self) -> str | None:
        region: str | None = getattr(self._session, "region_name", None)
        return region

    def function_name(self) -> str:
        if self._function_name is None:
            self._function_name = self._lookup_function_name()
        return self._function_name

    def _lookup_function_name(self) -> str:
        with aws_errors(self.region):
            cloudformation = self._session.client("cloudformation")
            region = cloudformation.meta.region_name
            try:
                stacks = cloudformation.describe_stacks(StackName=self._stack_name)["Stacks"]
            except ClientError as error:
                info = error.response.get("Error", {})
                if info.get("Code") == "ValidationError" and "does not exist" in str(info.get("Message", "")):
                    raise StackNotDeployed(
                        f"Stack {self._stack_name} is not deployed in {region}: run make deploy, or pass --stack-name"
                        " (and --region) of the stack you deployed"
                    ) from None
                raise
        outputs = {output.get("OutputKey"): output.get("OutputValue") for output in stacks[0].get("Outputs") or []}
        name = outputs.get(QUERY_FUNCTION_OUTPUT)
        if not name:
            status = stacks[0].get("StackStatus", "unknown status")
            raise StackOutputMissing(
                f"Stack {self._stack_name} in {region} ({status}) has no {QUERY_FUNCTION_OUTPUT} output: deploy this"
                " version of the stack (make deploy), or name the function with --query-function"
            )
        return str(name)

    def __call__(self, request: dict[str, Any]) -> dict[str, Any]:
        name = self.function_name()
        with aws_errors(self.region):
            if self._lambda is None:
                self._lambda = self._session.client("lambda", config=_LAMBDA_CONFIG)
            try:
                response = self._lambda.invoke(
                    FunctionName=name,
                    InvocationType="RequestResponse",
                    Payload=json.dumps(request).encode(),
                )
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                    raise AwsCallFailed(
                        f"The query function {name} does not exist in {_region_text(self.region)}:"
                        " redeploy the stack (make deploy), or check --stack-name and --region"
                    ) from None
                raise
            raw = response["Payload"].read()
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            raise FunctionFailed(f"The query function {name} answered with something that is not JSON") from None
        if response.get("FunctionError"):
            raise FunctionFailed(_function_error_text(name, response["FunctionError"], payload))
        return raise_for_error(payload)


def _function_error_text(name: str, kind: str, payload: Any) -> str:
    details = payload if isinstance(payload, dict) else {}
    error_type = details.get("errorType", kind)
    message = details.get("errorMessage", "no error message")
    return (
        f"The query function {name} failed ({error_type}): {message}. Its log group /aws/lambda/{name} has the details."
    )
