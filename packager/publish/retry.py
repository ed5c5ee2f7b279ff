"""The one retry loop for host operations: exponential backoff with jitter, transient errors only.

Publish (`execute`) and republish (lock, live feed) both use `with_retries`; `retried` turns
the last failure into the error users read (`failed_as` for the usual PublishError).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from packager.errors import PackagerError, PublishError
from packager.publish.base import HostError
from packager.secrets import redact

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter for transient failures (timeouts, resets, 5xx)."""

    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0
    sleep: Callable[[float], None] = time.sleep
    jitter: Callable[[], float] = random.random

    def delay(self, attempt: int) -> float:
        """Seconds to wait before retry number `attempt` (1-based): half fixed, half random."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return ceiling / 2 + self.jitter() * ceiling / 2


class RetriesExhausted(Exception):
    """A host operation failed for good: `error` is its last HostError, after `attempts` tries."""

    def __init__(self, error: HostError, attempts: int) -> None:
        super().__init__(str(error))
        self.error = error
        self.attempts = attempts


def with_retries(policy: RetryPolicy, operation: Callable[[], T]) -> T:
    """Run `operation`, again after a pause while it fails with a transient HostError, up to
    `policy.attempts` times. Raises RetriesExhausted (permanent error, or attempts used up)."""
    attempt = 0
    while True:
        attempt += 1
        try:
            return operation()
        except HostError as error:
            if not error.transient or attempt >= policy.attempts:
                raise RetriesExhausted(error, attempt) from None
            policy.sleep(policy.delay(attempt))


def retried(
    policy: RetryPolicy,
    operation: Callable[[], T],
    failure: Callable[[HostError, int], PackagerError],
) -> T:
    """`with_retries`, raising what `failure` makes of the last error and the attempts made."""
    try:
        return with_retries(policy, operation)
    except RetriesExhausted as failed:
        raise failure(failed.error, failed.attempts) from None


def failed_as(
    message: str, *, target: str, secrets: tuple[str, ...], hint: str
) -> Callable[[HostError, int], PublishError]:
    """A `failure` for `retried`: a PublishError whose `message` has "{reason}" replaced by the
    host's error (secrets redacted), with the host's own hint when it knows the fix, else
    `hint`."""

    def failure(error: HostError, _attempts: int) -> PublishError:
        reason = redact(str(error), secrets)
        return PublishError(
            message.replace("{reason}", reason), target=target, hint=error.hint or hint
        )

    return failure
