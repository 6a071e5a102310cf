"""Fonts with every Vietnamese glyph, found without a system font package.

matplotlib ships DejaVu Sans (full Latin Extended Additional coverage, so all tone marks and đ/Đ);
Debian's fonts-dejavu-core and Noto are used when present because they also carry a bold weight.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_SYSTEM = {
    "regular": [
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    ],
    "bold": [
        "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ],
}
_MPL = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf"}


@cache
def font_path(weight: str = "regular") -> Path:
    """Path of a TrueType font covering Vietnamese, `weight` in {"regular", "bold"}."""
    for candidate in _SYSTEM[weight]:
        if Path(candidate).exists():
            return Path(candidate)
    import matplotlib

    bundled = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / _MPL[weight]
    if bundled.exists():
        return bundled
    raise FileNotFoundError("no font with Vietnamese glyphs found (install fonts-dejavu-core)")
