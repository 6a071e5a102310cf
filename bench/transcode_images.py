"""Image renditions: render_images (one decode, every output) vs ImageMagick `convert` once per output.

Both arms run the image outputs of the web-image, facebook-feed, zalo-oa and print profiles for a
24-megapixel JPEG photo (6000x4000) and a 2480x10000 PNG infographic. Each arm runs under the same small
wrapper process, which reports wall time, CPU time and the peak RSS of the arm's child processes
(getrusage(RUSAGE_CHILDREN)), so both are measured the same way.

    .venv/bin/python bench/transcode_images.py            # run from the repository root

Debian's ImageMagick policy forbids writing PDF, so the baseline writes the print output as a 300-ppi JPEG
at full resolution (the same decode and encode; the PDF wrapper itself costs nothing).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from transcoding.fonts import font_path  # noqa: E402
from transcoding.image.spec import ImageOutputSpec  # noqa: E402

PROFILES = ("web-image", "facebook-feed", "zalo-oa", "print")
CONVERT = "/usr/bin/convert"
# Used only when transcoding/profiles/<name>.yaml is missing: the same outputs as DESIGN §5.
BUILT_IN: dict[str, list[dict[str, object]]] = {
    "web-image": [
        *({"variant": f"{f}-{w}", "format": f, "width": w} for w in (1600, 800, 400)
          for f in ("webp", "jpeg")),
        {"variant": "thumb-320", "format": "jpeg", "width": 320, "height": 320, "fit": "cover"},
    ],
    "facebook-feed": [
        {"variant": "1200x630", "format": "jpeg", "width": 1200, "height": 630, "fit": "cover"},
        {"variant": "1080x1080", "format": "jpeg", "width": 1080, "height": 1080, "fit": "pad"},
        {"variant": "1080x1350", "format": "jpeg", "width": 1080, "height": 1350, "fit": "pad"},
    ],
    "zalo-oa": [
        {"variant": "jpeg", "format": "jpeg", "width": 1280, "height": 1280, "max_bytes": 1048576},
        {"variant": "cover-16x9", "format": "jpeg", "width": 1280, "height": 720, "fit": "cover",
         "max_bytes": 1048576},
    ],
    "print": [{"variant": "pdf-300ppi", "format": "pdf", "colour": "keep", "dpi": 300, "quality": 95}],
}


def load_targets() -> list[tuple[str, ImageOutputSpec]]:
    targets: list[tuple[str, ImageOutputSpec]] = []
    for name in PROFILES:
        path = ROOT / "transcoding" / "profiles" / f"{name}.yaml"
        entries = BUILT_IN[name]
        if path.exists():
            entries = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("image") or entries
        targets += [(name, ImageOutputSpec(**entry)) for entry in entries]
    return targets


def make_photo(path: Path) -> None:
    size = (6000, 4000)
    base = Image.linear_gradient("L").resize(size).convert("RGB")
    tint = Image.radial_gradient("L").resize(size)
    photo = Image.merge("RGB", (base.getchannel(0), tint, Image.effect_noise(size, 40)))
    draw = ImageDraw.Draw(photo)
    for i in range(40):
        box = (i * 140, 300 + i * 80, i * 140 + 600, 900 + i * 80)
        draw.ellipse(box, fill=(40 + i * 5, 120, 255 - i * 5))
    photo.save(path, quality=90)


def make_infographic(path: Path) -> None:
    size = (2480, 10000)
    image = Image.new("RGB", size, (250, 246, 236))
    draw = ImageDraw.Draw(image)
    title = ImageFont.truetype(str(font_path("bold")), 110)
    body = ImageFont.truetype(str(font_path("regular")), 48)
    for block in range(10):
        top = block * 1000
        draw.rectangle((0, top, size[0], top + 220), fill=(0, 70 + block * 10, 140))
        draw.text((80, top + 50), f"NGHỊ QUYẾT 71 — Phần {block + 1}", font=title, fill="white")
        for line in range(8):
            text = "Đột phá phát triển giáo dục và đào tạo, nâng cao chất lượng đội ngũ nhà giáo"
            draw.text((80, top + 280 + line * 80), text, font=body, fill=(30, 30, 30))
        draw.ellipse((1900, top + 400, 2380, top + 880), fill=(230, 120 + block * 10, 40))
    image.save(path, compress_level=6)


def convert_args(src: Path, spec: ImageOutputSpec, out: Path) -> list[str]:
    w, h = spec.width, spec.height
    args = [CONVERT, str(src), "-auto-orient"]
    if spec.fit == "pad" and w and h:
        sw, sh = max(1, w // 8), max(1, h // 8)
        args += ["(", "-clone", "0", "-resize", f"{sw}x{sh}^", "-gravity", "center", "-extent", f"{sw}x{sh}",
                 "-blur", "0x4", "-resize", f"{w}x{h}!", ")", "(", "-clone", "0", "-resize", f"{w}x{h}>", ")",
                 "-delete", "0", "-gravity", "center", "-composite"]
    elif spec.fit == "cover" and w and h:
        args += ["-resize", f"{w}x{h}^", "-gravity", "center", "-extent", f"{w}x{h}"]
    elif w or h:
        args += ["-resize", f"{w or ''}x{h or ''}>"]
    args += ["-strip"]
    if spec.format == "jpeg":
        args += ["-quality", str(spec.quality), "-interlace", "Plane"]
        if spec.max_bytes:
            args += ["-define", f"jpeg:extent={spec.max_bytes}"]
    elif spec.format == "webp":
        args += ["-quality", str(spec.quality), "-define", "webp:method=4"]
    elif spec.format == "png":
        args += ["-define", "png:compression-level=6"]
    elif spec.format == "tiff":
        args += ["-compress", "Zip"]
    elif spec.format == "pdf":  # see the module docstring: PDF writing is forbidden by Debian's policy
        args += ["-density", str(spec.dpi or 72), "-units", "PixelsPerInch", "-quality", str(spec.quality)]
        out = out.with_suffix(".jpg")
    return [*args, str(out)]


def measured(commands: list[list[str]]) -> dict[str, float]:
    """Run the arm's commands under a fresh wrapper process and return its children's usage."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(commands, fh)
    result = subprocess.run(
        [sys.executable, __file__, "--measure", fh.name], capture_output=True, text=True, check=True
    )
    Path(fh.name).unlink()
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _measure_child(command_file: str) -> None:
    commands = json.loads(Path(command_file).read_text())
    start = time.perf_counter()
    for command in commands:
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime
    print(json.dumps({"wall_s": wall, "cpu_s": cpu, "peak_mb": usage.ru_maxrss / 1024}))


def _pillow_arm(src: str, out_dir: str) -> None:
    from transcoding.image.render import render_images

    render_images(Path(src), load_targets(), Path(out_dir))


def _check_convert() -> None:
    version = subprocess.run([CONVERT, "-version"], capture_output=True, text=True, check=True).stdout
    if "ImageMagick" not in version.splitlines()[0]:
        raise SystemExit(f"{CONVERT} is not ImageMagick: {version.splitlines()[0]}")
    print(version.splitlines()[0])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--pillow", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        return _measure_child(args.measure)
    if args.pillow:
        return _pillow_arm(*args.pillow)
    _check_convert()
    targets = load_targets()
    print(f"{len(targets)} image outputs: " + ", ".join(f"{p}/{s.variant}" for p, s in targets))
    work = Path(tempfile.mkdtemp(prefix="kho-bench-img-"))
    try:
        inputs = [work / "photo-24mp.jpg", work / "infographic-2480x10000.png"]
        make_photo(inputs[0])
        make_infographic(inputs[1])
        for src in inputs:
            _compare(src, targets, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return None


def _compare(src: Path, targets: list[tuple[str, ImageOutputSpec]], work: Path) -> None:
    ours_dir, im_dir = work / f"{src.stem}-ours", work / f"{src.stem}-im"
    im_dir.mkdir()
    ours = measured([[sys.executable, __file__, "--pillow", str(src), str(ours_dir)]])
    commands = [convert_args(src, spec, im_dir / f"{p}__{spec.variant}.{spec.format}") for p, spec in targets]
    baseline = measured(commands)
    print(f"\n{src.name} ({src.stat().st_size / 1e6:.1f} MB)")
    print(f"{'arm':<28}{'wall s':>9}{'cpu s':>9}{'peak MB':>10}")
    for name, row in (("render_images (one decode)", ours), ("convert once per output", baseline)):
        print(f"{name:<28}{row['wall_s']:>9.2f}{row['cpu_s']:>9.2f}{row['peak_mb']:>10.0f}")
    print(
        f"speed-up wall {baseline['wall_s'] / ours['wall_s']:.1f}x (target >= 3x), "
        f"cpu {baseline['cpu_s'] / ours['cpu_s']:.1f}x; "
        f"peak memory ratio {ours['peak_mb'] / baseline['peak_mb']:.2f} (target <= 0.5)"
    )


if __name__ == "__main__":
    main()
