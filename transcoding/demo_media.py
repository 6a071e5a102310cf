"""Makes the demo files (an infographic, a short video, a spoken clip, a Q&A sheet). Pure file output."""

from __future__ import annotations

import csv
import shutil
import subprocess
import textwrap
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from transcoding.fonts import font_path
from transcoding.tools import ffmpeg_path, require


def infographic(path: Path, title: str, points: list[str], *, size: tuple[int, int] = (1080, 1350)) -> Path:
    img = Image.new("RGB", size, (250, 246, 238))
    draw = ImageDraw.Draw(img)
    bold = ImageFont.truetype(str(font_path("bold")), 58)
    body = ImageFont.truetype(str(font_path("regular")), 38)
    draw.rectangle((0, 0, size[0], 300), fill=(178, 34, 34))
    y = 40
    for line in textwrap.wrap(title, width=28):
        draw.text((60, y), line, font=bold, fill=(255, 255, 255))
        y += 72
    y = 360
    for i, point in enumerate(points, 1):
        draw.ellipse((60, y, 120, y + 60), fill=(255, 193, 7))
        draw.text((78, y + 6), str(i), font=body, fill=(0, 0, 0))
        for line in textwrap.wrap(point, width=40):
            draw.text((150, y + 6), line, font=body, fill=(33, 33, 33))
            y += 50
        y += 40
    img.save(path, "PNG", optimize=True)
    return path


def video(path: Path, seconds: int = 10, *, caption: str = "") -> Path:
    ffmpeg = require(ffmpeg_path(), "ffmpeg")
    vf = []
    if caption:
        safe = caption.replace("\\", "").replace(":", "\\:").replace("'", "")
        vf = ["-vf", f"drawtext=fontfile={font_path('bold')}:text='{safe}':fontsize=42:fontcolor=white:"
                      "box=1:boxcolor=black@0.5:x=(w-text_w)/2:y=h-120"]
    base = [ffmpeg, "-nostdin", "-y", "-loglevel", "error",
            "-f", "lavfi", "-i", f"testsrc2=size=1280x720:rate=25:duration={seconds}",
            "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}"]
    tail = ["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k",
            "-shortest", "-movflags", "+faststart", str(path)]
    try:
        subprocess.run(base + vf + tail, check=True, timeout=300)
    except subprocess.CalledProcessError:
        subprocess.run(base + tail, check=True, timeout=300)  # an ffmpeg built without drawtext
    return path


def speech(path: Path, text: str) -> Path:
    """Vietnamese speech with espeak-ng when installed, otherwise a tone (still a valid podcast source)."""
    espeak = shutil.which("espeak-ng")
    if espeak:
        subprocess.run([espeak, "-v", "vi", "-s", "150", "-w", str(path), text], check=True, timeout=120,
                       capture_output=True)
        return path
    ffmpeg = require(ffmpeg_path(), "ffmpeg")
    subprocess.run([ffmpeg, "-nostdin", "-y", "-loglevel", "error", "-f", "lavfi", "-i",
                    "sine=frequency=330:sample_rate=44100:duration=8", str(path)], check=True, timeout=120)
    return path


def qa_sheet(path: Path, rows: list[tuple[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["Câu hỏi", "Trả lời", "Nguồn"])
        for question, answer in rows:
            writer.writerow([question, answer, "Nghị quyết số 71-NQ/TW ngày 22/8/2025"])
    return path
