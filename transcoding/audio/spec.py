"""What an audio output of a platform profile asks for (the `audio:` section of a profile YAML entry)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class LoudnessTarget(BaseModel):
    """EBU R128 target: integrated loudness, true-peak ceiling and loudness range for `loudnorm`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    integrated_lufs: float = Field(ge=-70, le=-5)
    true_peak_dbtp: float = Field(ge=-9, le=0)
    lra: float = Field(default=11.0, ge=1, le=50)
    tolerance_lu: float = Field(default=1.0, gt=0, le=5)


class AudioOutputSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    variant: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9._-]*$")
    required: bool = False  # publication waits for this output (see service/publication)
    # audio: an encoded file; waveform: a PNG picture of the (normalised) waveform
    output: Literal["audio", "waveform"] = "audio"
    format: Literal["mp3", "m4a", "png"] = "mp3"
    bitrate_kbps: int = Field(default=128, ge=8, le=512)  # CBR for MP3, target for AAC
    sample_rate: Literal[22050, 32000, 44100, 48000] = 44100
    channels: Literal[1, 2] = 2
    highpass_hz: float | None = Field(default=None, gt=0, le=1000)  # e.g. 120 Hz for horn loudspeakers
    loudness: LoudnessTarget | None = None
    tags: bool = True  # write ID3 (MP3) or MP4 tags from the caller's AudioTags
    cover_art: bool = True  # embed the caller's cover art, squared to cover_size
    cover_size: int = Field(default=3000, ge=300, le=3000)
    width: int = Field(default=1800, ge=100, le=8000)  # waveform only
    height: int = Field(default=280, ge=20, le=2000)  # waveform only
    colour: str = Field(default="0x1f6feb", pattern=r"^(0x|#)[0-9a-fA-F]{6}$")  # waveform only

    @model_validator(mode="after")
    def _format_matches_output(self) -> AudioOutputSpec:
        if self.output == "waveform" and self.format != "png":
            raise ValueError("a waveform output must have format: png")
        if self.output == "audio" and self.format == "png":
            raise ValueError("an audio output must have format mp3 or m4a")
        return self
