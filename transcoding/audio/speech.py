"""Audio descriptions read aloud: espeak-ng, offline, in the voice of the asset's language.

An infographic carries its message in pictures and printed text. Where its producer writes an audio
description, the podcast and loudspeaker outputs read that text so listeners (blind and partially sighted
people, a commune's loudspeakers) get the same message. Only a language espeak-ng has a voice for is read:
Hmông read with a Vietnamese voice would be noise, so such a description is left unread and the reason is
recorded with the version's probe.
"""

from __future__ import annotations

import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from transcoding.tools import espeak_path
from transcoding.types import TransientProcessingError

WORDS_PER_MINUTE = 150  # slower than espeak's 175: loudspeakers in the open and listeners new to the text


@dataclass(frozen=True)
class Reading:
    """What became of a description: the WAV that was spoken, or the reason it was not."""

    wav: Path | None
    voice: str = ""
    reason: str = ""

    def to_probe(self) -> dict[str, str | bool]:
        return {"read": self.wav is not None, "voice": self.voice, "reason": self.reason}


def voice_for(language: str, binary: str) -> str | None:
    """The espeak-ng voice for a BCP 47 code: the exact tag first, then its primary language subtag."""
    tags = [language.lower()]
    primary = language.lower().split("-", 1)[0]
    if primary != tags[0]:
        tags.append(primary)
    for tag in tags:
        listing = subprocess.run([binary, f"--voices={tag}"], capture_output=True, text=True, timeout=30,
                                 check=False).stdout.splitlines()[1:]
        for line in listing:
            fields = line.split()
            # Columns: priority, language, age/gender, name, file. `--voices=vi` also lists vi-vn-x-south:
            # the first line whose language is the tag itself (or its regional form) is the default voice.
            if len(fields) >= 2 and (fields[1] == tag or fields[1].startswith(tag + "-")):
                return fields[1]
    return None


def read_aloud(text: str, language: str, wav: Path, *, timeout: float = 300) -> Reading:
    """Speak `text` into `wav` (16-bit PCM). Returns why not when no voice exists for `language`."""
    text = unicodedata.normalize("NFC", text).strip()
    if not text:
        return Reading(None, reason="empty")
    binary = espeak_path()
    if binary is None:
        raise TransientProcessingError("espeak-ng is not installed", code="tool_missing")
    voice = voice_for(language, binary)
    if voice is None:
        return Reading(None, reason=f"no voice for {language}")
    script = wav.with_suffix(".txt")
    script.write_text(text, encoding="utf-8")  # a file, not argv: a long text, and no option injection
    try:
        subprocess.run([binary, "-v", voice, "-s", str(WORDS_PER_MINUTE), "-b", "1", "-f", str(script),
                        "-w", str(wav)], check=True, capture_output=True, timeout=timeout)
    finally:
        script.unlink(missing_ok=True)
    return Reading(wav, voice=voice)
