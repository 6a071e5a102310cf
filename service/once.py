"""`@once`: a process-wide singleton built on first use, safe when many threads ask at the same moment.

`functools.cache` lets every thread that arrives before the first call returns build its own value: under
a burst of first requests that meant several engines and connection pools, several handles on the one
embedded search index (whose creation then collided: a 500 in the load test), several S3 clients racing to
create the bucket. Here the first caller builds under a lock and the rest wait for its value. The cached
path takes no lock. `cache_clear()` keeps the functools name that tests and `runtime.reset()` use.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Once(Generic[T]):
    def __init__(self, build: Callable[[], T]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._box: tuple[T] | None = None
        functools.update_wrapper(self, build)

    def __call__(self) -> T:
        box = self._box
        if box is None:
            with self._lock:
                box = self._box
                if box is None:
                    box = self._box = (self._build(),)
        return box[0]

    @property
    def built(self) -> bool:
        return self._box is not None

    def cache_clear(self) -> None:
        with self._lock:
            self._box = None


def once(build: Callable[[], T]) -> Once[T]:
    return Once(build)
