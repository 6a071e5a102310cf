"""A portrait infographic drawn with Pillow: a big headline at the top, a long bullet list below (the case
where a centred 16:9 crop keeps only the bullets)."""

from __future__ import annotations

import os

from PIL import Image, ImageDraw, ImageFont

from transcoding.fonts import font_path

HEADLINE = ("ĐỘT PHÁ", "GIÁO DỤC")


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path("bold")), size)


def portrait_infographic(size: tuple[int, int] = (1080, 2700)) -> Image.Image:
    w, h = size
    image = Image.new("RGB", size, (250, 246, 236))
    draw = ImageDraw.Draw(image)
    big = _font(round(w * 0.12))
    y = round(h * 0.03)
    for line in HEADLINE:
        box = draw.textbbox((0, 0), line, font=big)
        draw.text(((w - (box[2] - box[0])) / 2, y), line, font=big, fill=(150, 20, 20))
        y += round((box[3] - box[1]) * 1.35)
    small = _font(round(w * 0.035))
    y = round(h * 0.35)
    items = ["Nâng cao chất lượng đội ngũ nhà giáo", "Chuyển đổi số toàn diện trong nhà trường",
             "Mở rộng giáo dục nghề nghiệp", "Tăng đầu tư cho giáo dục đại học"]
    while y < h * 0.95:
        for item in items:
            draw.ellipse((w * 0.08, y + 8, w * 0.08 + 20, y + 28), fill=(20, 70, 140))
            draw.text((w * 0.12, y), item, font=small, fill=(30, 30, 30))
            y += round(w * 0.07)
    image.putpixel((0, 0), tuple(os.urandom(3)))  # unique bytes per run: duplicates are refused
    return image
