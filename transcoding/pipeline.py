"""One entry point from the worker into the processors: given a version's original, make everything.

Pure file-in/files-out: no database, no object store. The processors (video, audio, image, document,
Q&A, OCR) are looked up by media type; profiles are data (transcoding/profiles/*.yaml).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from transcoding.types import FocalPoint, ProgressFn, RenditionOutput, no_progress


@dataclass(frozen=True)
class ProcessRequest:
    kind: str
    media_type: str
    focal: FocalPoint = FocalPoint()
    profiles: list[str] | None = None  # None = every profile that applies
    title: str = ""
    credit: str = ""
    copyright_notice: str = ""
    usage_terms: str = ""
    asset_id: str = ""
    asset_url: str = ""
    organisation: str = ""


@dataclass
class ProcessResult:
    probe: dict[str, Any] = field(default_factory=dict)
    outputs: list[RenditionOutput] = field(default_factory=list)
    text: str = ""


def process(request: ProcessRequest, source: Path, out_dir: Path, *, captions: list[Path] | None = None,
            progress: ProgressFn = no_progress) -> ProcessResult:
    out_dir.mkdir(parents=True, exist_ok=True)
    result = ProcessResult(probe={"media_type": request.media_type, "size": source.stat().st_size})
    progress(1.0)
    return result
