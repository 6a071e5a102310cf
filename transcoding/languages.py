"""The supported languages (transcoding/languages.yaml): BCP 47 code → labels and ISO 639-3 stream tag.

Kept in the lowest layer because both the service (validating `language`) and the media processors
(HLS subtitle names, MP4 language tags) read it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

# Well-formed BCP 47 as used here: a 2–3 letter primary language, then optional script/region/variant parts.
BCP47 = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")


@dataclass(frozen=True)
class Language:
    code: str
    iso639_3: str
    label_vi: str
    label_en: str
    native: str

    def label(self, lang: str = "vi") -> str:
        return self.label_vi if lang == "vi" else self.label_en


@cache
def languages() -> dict[str, Language]:
    raw = yaml.safe_load((Path(__file__).parent / "languages.yaml").read_text(encoding="utf-8"))
    return {e["code"]: Language(**{k: unicodedata.normalize("NFC", str(v)) for k, v in e.items()}) for e in raw}


def normalise_code(code: str) -> str:
    return code.strip().replace("_", "-").lower()


def well_formed(code: str) -> bool:
    return bool(BCP47.match(normalise_code(code)))


def find(code: str) -> Language | None:
    """The entry of `code`, or of its primary language when a region/script is added (`vi-VN` → vi)."""
    code = normalise_code(code)
    table = languages()
    return table.get(code) or table.get(code.split("-")[0])


def stream_tag(code: str) -> str:
    """Three-letter tag for MP4/MP3 streams; `und` (undetermined) for a code outside the vocabulary."""
    found = find(code)
    return found.iso639_3 if found else "und"


def display_name(code: str) -> str:
    """The name a player shows for a subtitle track: the language's own name."""
    found = find(code)
    return found.native if found else code
