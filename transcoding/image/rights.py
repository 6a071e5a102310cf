"""Rights metadata: the only metadata an image rendition keeps.

Everything else from the source (camera EXIF, GPS, editing history, embedded thumbnails) is dropped;
who owns the picture and how it may be used travels with every copy, as XMP and, where the format has
it, EXIF Copyright/Artist.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, fields
from html import escape as _html_escape

from PIL import Image


def escape(text: str) -> str:
    """XML text escaping (&, <, >). html.escape, not xml.sax.saxutils: that one imports urllib and http
    (about 8 MB of a processing child's memory)."""
    return _html_escape(text, quote=False)

_EXIF_ARTIST = 0x013B
_EXIF_COPYRIGHT = 0x8298

_NAMESPACES = (
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" '
    'xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/"'
)


def _nfc(value: str | None) -> str | None:
    if value is None:
        return None
    return unicodedata.normalize("NFC", value).strip() or None


@dataclass(frozen=True)
class ImageRights:
    """Who owns an asset and how it may be used; every field optional, Vietnamese text allowed."""

    credit: str | None = None
    copyright_notice: str | None = None
    usage_terms: str | None = None
    asset_id: str | None = None
    asset_url: str | None = None
    title: str | None = None  # the asset title: PDF /Title, XMP dc:title (viewers show it, not the file name)

    def __post_init__(self) -> None:
        for f in fields(self):
            object.__setattr__(self, f.name, _nfc(getattr(self, f.name)))

    def is_empty(self) -> bool:
        return all(getattr(self, f.name) is None for f in fields(self))

    def xmp(self) -> bytes:
        """An XMP packet (UTF-8) with dc:rights, photoshop:Credit, xmpRights:UsageTerms/WebStatement."""
        parts: list[str] = []
        if self.copyright_notice:
            parts.append(f"<dc:rights>{_alt(self.copyright_notice)}</dc:rights>")
            parts.append("<xmpRights:Marked>True</xmpRights:Marked>")
        if self.credit:
            parts.append(f"<photoshop:Credit>{escape(self.credit)}</photoshop:Credit>")
        if self.usage_terms:
            parts.append(f"<xmpRights:UsageTerms>{_alt(self.usage_terms)}</xmpRights:UsageTerms>")
        if self.asset_url:
            parts.append(f"<xmpRights:WebStatement>{escape(self.asset_url)}</xmpRights:WebStatement>")
        if self.asset_id:
            parts.append(f"<dc:identifier>{escape(self.asset_id)}</dc:identifier>")
        if self.title:
            parts.append(f"<dc:title>{_alt(self.title)}</dc:title>")
        body = "\n    ".join(parts)
        packet = (
            '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
            '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
            ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
            f'  <rdf:Description rdf:about="" {_NAMESPACES}>\n    {body}\n  </rdf:Description>\n'
            " </rdf:RDF>\n</x:xmpmeta>\n"
            '<?xpacket end="w"?>'
        )
        return packet.encode("utf-8")

    def exif(self) -> bytes:
        """EXIF with Copyright and Artist. Those tags are nominally ASCII; like exiftool we store UTF-8."""
        exif = Image.Exif()
        if self.copyright_notice:
            exif[_EXIF_COPYRIGHT] = self.copyright_notice.encode("utf-8")
        if self.credit:
            exif[_EXIF_ARTIST] = self.credit.encode("utf-8")
        return exif.tobytes() if len(exif) else b""


def _alt(text: str) -> str:
    return f'<rdf:Alt><rdf:li xml:lang="x-default">{escape(text)}</rdf:li></rdf:Alt>'
