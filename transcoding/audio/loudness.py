"""Two-pass EBU R128 normalisation that stays linear.

`loudnorm` with `linear=true` applies a pure gain only when the measured true peak plus that gain stays
under the ceiling; otherwise it silently falls back to dynamic mode, which misses short targets by
several LU. Loud-peaked speech (peaks near 0 dBFS, quiet average) is the common case, so a look-ahead
limiter is placed before the measurement when needed, lowered until the linear condition holds.
"""

from __future__ import annotations

from pathlib import Path

from transcoding.audio.spec import LoudnessTarget
from transcoding.probe import measure_loudnorm

LIMIT_MARGIN_DB = 1.5  # room for the loudness the limiter removes and for inter-sample peaks
MAX_ATTEMPTS = 3


def loudnorm_filter(target: LoudnessTarget, measured: dict[str, str] | None = None) -> str:
    base = f"loudnorm=I={target.integrated_lufs}:TP={target.true_peak_dbtp}:LRA={target.lra}"
    if not measured:
        return base
    return (
        f"{base}:measured_I={measured['input_i']}:measured_TP={measured['input_tp']}"
        f":measured_LRA={measured['input_lra']}:measured_thresh={measured['input_thresh']}"
        f":offset={measured['target_offset']}:linear=true"
    )


def _excess(target: LoudnessTarget, measured: dict[str, str]) -> float:
    """How far a pure gain to the target would push the true peak over the ceiling (dB; ≤ 0 is fine)."""
    gain = target.integrated_lufs - float(measured["input_i"])
    return float(measured["input_tp"]) + gain - target.true_peak_dbtp


def normalising_chain(
    source: Path, *, fmt: str | None, prefilter: str, target: LoudnessTarget, timeout: float = 600
) -> str:
    """`prefilter[,alimiter],loudnorm=…linear` with pass-1 values measured on exactly that signal."""
    measured = measure_loudnorm(
        source, fmt=fmt, audio_filter=prefilter, loudnorm=loudnorm_filter(target), timeout=timeout
    )
    chain, peak_db = prefilter, float(measured["input_tp"])
    for _ in range(MAX_ATTEMPTS):
        excess = _excess(target, measured)
        if excess <= 0:
            break
        peak_db = min(peak_db, float(measured["input_tp"])) - excess - LIMIT_MARGIN_DB
        limit = min(1.0, max(0.0625, 10 ** (peak_db / 20)))
        chain = f"{prefilter},alimiter=limit={limit:.5f}:level=false:latency=true:attack=5:release=100"
        measured = measure_loudnorm(
            source, fmt=fmt, audio_filter=chain, loudnorm=loudnorm_filter(target), timeout=timeout
        )
    return f"{chain},{loudnorm_filter(target, measured)}"
