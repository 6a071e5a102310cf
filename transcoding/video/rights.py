"""Rights written into video renditions: MP4 metadata atoms and the HLS master's session data.

Images carry XMP/EXIF and audio ID3; a video handed to a newsroom must say as much. The MP4 tags use the
atoms every reader knows (©nam, ©ART, cprt, ©cmt, desc) rather than `use_metadata_tags` keys, which only
QuickTime-style readers list. HLS has no per-file tags a player shows, so the master playlist carries
`#EXT-X-SESSION-DATA` entries (RFC 8216 §4.3.4.4) with reverse-DNS ids.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, fields

SESSION_DATA_PREFIX = "vn.edu.kho"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def _clean(value: str) -> str:
    return _CONTROL.sub(" ", unicodedata.normalize("NFC", value or "")).strip()


@dataclass(frozen=True)
class VideoRights:
    title: str = ""
    organisation: str = ""  # the producing unit
    credit: str = ""
    copyright_notice: str = ""
    licence: str = ""
    usage_terms: str = ""
    source_url: str = ""  # the asset's public page

    def __post_init__(self) -> None:
        for f in fields(self):
            object.__setattr__(self, f.name, _clean(getattr(self, f.name)))

    def copyright(self) -> str:
        holder = self.credit or self.organisation
        return self.copyright_notice or (f"© {holder}" if holder else "")

    def comment(self) -> str:
        parts = [f"Giấy phép / Licence: {self.licence}" if self.licence else "",
                 f"Nguồn / Source: {self.source_url}" if self.source_url else ""]
        return ". ".join(p for p in parts if p)

    def mp4_tags(self) -> dict[str, str]:
        """ffmpeg metadata keys of the mov muxer → atoms: title ©nam, artist ©ART, copyright cprt,
        comment ©cmt, description desc."""
        tags = {"title": self.title, "artist": self.organisation or self.credit, "copyright": self.copyright(),
                "comment": self.comment(), "description": self.usage_terms}
        return {k: v for k, v in tags.items() if v}

    def ffmpeg_args(self) -> list[str]:
        args: list[str] = []
        for key, value in self.mp4_tags().items():
            args += ["-metadata", f"{key}={value}"]
        return args

    def session_data(self) -> list[str]:
        """Lines for an HLS master playlist. A quoted-string may hold neither '"' nor a line break."""
        values = {"title": self.title, "copyright": self.copyright(), "licence": self.licence,
                  "usage-terms": self.usage_terms, "source": self.source_url}
        return [f'#EXT-X-SESSION-DATA:DATA-ID="{SESSION_DATA_PREFIX}.{key}",VALUE="{value.replace(chr(34), chr(39))}"'
                for key, value in values.items() if value]
