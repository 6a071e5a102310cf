"""Two-pass EBU R128 normalisation that stays linear.

`loudnorm` with `linear=true` applies a pure gain only when the measured true peak plus that gain stays
under the ceiling; otherwise it silently falls back to dynamic mode, which misses short targets by
several LU. Loud-peaked speech (peaks near 0 dBFS, quiet average) is the common case, so a look-ahead
limiter is placed before the measurement when needed, lowered until the linear condition holds.

Chains are ffmpeg-python filter steps (transcoding/ffmpeg_graph.py): the same data builds the pass-1
measurement graph and the pass-2 encode graph.
"""

from __future__ import annotations

from pathlib import Path

from transcoding.audio.spec import LoudnessTarget
from transcoding.ffmpeg_graph import Chain, Filter
from transcoding.ffmpeg_run import DEFAULT_LIMITS, FfmpegLimits
from transcoding.probe import measure_loudnorm

LIMIT_MARGIN_DB = 1.5  # room for the loudness the limiter removes and for inter-sample peaks
MAX_ATTEMPTS = 3


def loudnorm_filter(target: LoudnessTarget, measured: dict[str, str] | None = None) -> Filter:
    base = {"I": target.integrated_lufs, "TP": target.true_peak_dbtp, "LRA": target.lra}
    if not measured:
        return Filter.of("loudnorm", **base)
    return Filter.of(
        "loudnorm",
        **base,
        measured_I=measured["input_i"],
        measured_TP=measured["input_tp"],
        measured_LRA=measured["input_lra"],
        measured_thresh=measured["input_thresh"],
        offset=measured["target_offset"],
        linear="true",
    )


def limiter(limit: float) -> Filter:
    """A look-ahead peak limiter that leaves the level alone (level=false): only peaks above `limit`."""
    return Filter.of("alimiter", limit=f"{limit:.5f}", level="false", latency="true", attack=5, release=100)


def _excess(target: LoudnessTarget, measured: dict[str, str]) -> float:
    """How far a pure gain to the target would push the true peak over the ceiling (dB; ≤ 0 is fine)."""
    gain = target.integrated_lufs - float(measured["input_i"])
    return float(measured["input_tp"]) + gain - target.true_peak_dbtp


def normalising_chain(
    source: Path,
    *,
    fmt: str | None,
    prefilter: Chain,
    target: LoudnessTarget,
    timeout: float = 600,
    limits: FfmpegLimits = DEFAULT_LIMITS,
) -> Chain:
    """`prefilter[,alimiter],loudnorm=…linear` with pass-1 values measured on exactly that signal."""
    measured = measure_loudnorm(source, fmt=fmt, audio_filter=prefilter, loudnorm=loudnorm_filter(target),
                                timeout=timeout, limits=limits)
    chain, peak_db = prefilter, float(measured["input_tp"])
    for _ in range(MAX_ATTEMPTS):
        excess = _excess(target, measured)
        if excess <= 0:
            break
        peak_db = min(peak_db, float(measured["input_tp"])) - excess - LIMIT_MARGIN_DB
        limit = min(1.0, max(0.0625, 10 ** (peak_db / 20)))
        chain = (*prefilter, limiter(limit))
        measured = measure_loudnorm(source, fmt=fmt, audio_filter=chain, loudnorm=loudnorm_filter(target),
                                    timeout=timeout, limits=limits)
    return (*chain, loudnorm_filter(target, measured))
