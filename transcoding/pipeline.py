"""One entry point from the worker into the processors: given a version's original, make everything.

Pure file-in/files-out: no database, no object store. The processor is chosen by the sniffed media type;
which outputs to make comes from the platform profiles (transcoding/profiles/*.yaml).
"""

from __future__ import annotations

import logging
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transcoding.ffmpeg_run import FfmpegLimits
from transcoding.labels import label_outputs
from transcoding.profiles import Profile, default_profiles
from transcoding.tools import tesseract_path
from transcoding.types import (
    BadMediaError,
    FocalPoint,
    ProcessingError,
    ProgressFn,
    RenditionOutput,
    no_progress,
)

if TYPE_CHECKING:
    from transcoding.image.ocr import OcrResult

log = logging.getLogger("kho.transcoding")

OOXML_TYPES = frozenset({
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
})
ODF_TYPES = frozenset({
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
})
OFFICE_TYPES = OOXML_TYPES | ODF_TYPES
# The profile sections each medium's processor makes: a video's sound track also gets the audio outputs,
# office documents become a PDF that gets the document outputs.
SECTIONS: dict[str, tuple[str, ...]] = {"video": ("video", "audio"), "audio": ("audio",), "image": ("image",),
                                        "document": ("document",), "office": ("document",)}
# What parsers and decoders raise on malformed bytes (programming errors such as AttributeError or
# NameError are not listed: they stay retried and logged with their traceback).
DECODE_ERRORS = (ValueError, TypeError, LookupError, ArithmeticError, EOFError, SyntaxError, struct.error,
                 zlib.error, zipfile.BadZipFile, RecursionError, NotImplementedError)
QA_TYPES = frozenset({
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "text/csv", "application/json", "text/markdown", "text/plain",
})


@dataclass(frozen=True)
class ProcessRequest:
    kind: str
    media_type: str
    # None: pictures get one found from their headline and saliency (transcoding/image/focal.py), video the centre.
    focal: FocalPoint | None = FocalPoint()
    profiles: list[str] | None = None  # None = every profile that applies
    ocr: bool = True  # a re-render of some outputs (a moved focal point) keeps the text already read
    # (profile, output name) pairs: pictures make only these (None = every output of the chosen profiles)
    outputs: list[tuple[str, str]] | None = None
    title: str = ""
    credit: str = ""
    copyright_notice: str = ""
    usage_terms: str = ""
    asset_id: str = ""
    asset_url: str = ""
    organisation: str = ""
    licence: str = ""
    caption_language: str = ""  # the captions burned into the social feed cuts (the asset's own language)
    language: str = "vi"  # the asset's BCP 47 language: PDF /Lang, the voice reading the audio description
    alt_text: str = ""  # what a screen reader says for the image in a print PDF
    audio_description: str = ""  # read aloud into the podcast/loudspeaker outputs of an image, where written


@dataclass
class ProcessResult:
    probe: dict[str, Any] = field(default_factory=dict)
    outputs: list[RenditionOutput] = field(default_factory=list)
    text: str = ""
    qa: dict[str, Any] | None = None  # the parsed Q&A set (QaSet.to_dict()) for qa_set assets
    # Profiles this run was responsible for but made nothing for (an audio description removed or in a
    # language without a voice): their earlier outputs must go, not linger as if still current.
    cleared: list[str] = field(default_factory=list)
    focal: FocalPoint | None = None  # the focal point found for the crops, when the request gave none


def media_of(kind: str, media_type: str) -> str:
    if kind == "qa_set" and media_type in QA_TYPES:
        return "qa"
    if media_type.startswith("video/"):
        return "video"
    if media_type.startswith("audio/"):
        return "audio"
    if media_type.startswith("image/"):
        return "image"
    if media_type == "application/pdf":
        return "document"
    if media_type in OFFICE_TYPES:
        return "office"
    return "other"


def check_not_polyglot(source: Path, media_type: str) -> None:
    """Refuse files that are also a ZIP archive (an end-of-central-directory record in the tail) and PNGs
    with bytes after IEND: such payloads ride along with the original to everyone who downloads it."""
    if media_type in OFFICE_TYPES or media_type == "application/zip":
        return
    size = source.stat().st_size
    with source.open("rb") as f:
        f.seek(max(0, size - 65_557))  # the EOCD record sits in the last 22 + 65,535 bytes of a ZIP
        tail = f.read()
    if b"PK\x05\x06" in tail:
        raise BadMediaError("the file also contains a ZIP archive (polyglot)", code="polyglot")
    if media_type == "image/png":
        end = tail.rfind(b"IEND")
        if end >= 0 and len(tail) - (end + 8) > 0:
            raise BadMediaError("the PNG has data after its end (IEND)", code="trailing_data")


def _profiles(request: ProcessRequest, media: str) -> list[Profile]:
    pool = default_profiles()
    chosen = [p for p in pool.values() if request.kind in p.kinds and p.sections(media)]
    if request.profiles is not None:
        chosen = [p for p in chosen if p.name in request.profiles]
    return chosen


def _scaled(progress: ProgressFn, start: float, end: float) -> ProgressFn:
    return lambda f: progress(start + (end - start) * f)


def process(request: ProcessRequest, source: Path, out_dir: Path, *, limits: FfmpegLimits,
            captions: list[Path] | None = None, progress: ProgressFn = no_progress) -> ProcessResult:
    """`limits` are the operator's limits on every ffmpeg run (the service's settings: required, so a caller
    cannot silently get other ones)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    media = media_of(request.kind, request.media_type)
    handler: Callable[[ProcessRequest, Path, Path, list[Path], ProgressFn, FfmpegLimits], ProcessResult] | None = {
        "video": _video, "audio": _audio, "image": _image, "document": _document, "qa": _qa, "office": _office,
    }.get(media)
    if handler is None:
        # Anything else a kind accepts is stored and downloadable as it is; no renditions to make.
        progress(1.0)
        return ProcessResult(probe={"media_type": request.media_type, "size": source.stat().st_size})
    check_not_polyglot(source, request.media_type)
    try:
        result = handler(request, source, out_dir, captions or [], progress, limits)
    except DECODE_ERRORS as exc:  # a decoder choking on the input: permanent, named, never retried
        if isinstance(exc, ProcessingError):
            raise
        raise BadMediaError(f"{media}: {type(exc).__name__}: {exc}", code="corrupt_media") from exc
    result.probe.setdefault("media_type", request.media_type)
    progress(1.0)
    return result


def _video(request: ProcessRequest, source: Path, out_dir: Path, captions: list[Path],
           progress: ProgressFn, limits: FfmpegLimits) -> ProcessResult:
    from transcoding.audio.render import render_audio
    from transcoding.audio.tags import AudioTags
    from transcoding.probe import probe
    from transcoding.video.render import render_video
    from transcoding.video.rights import VideoRights

    info = probe(source, "video", limits=limits)
    rights = VideoRights(title=request.title, organisation=request.organisation, credit=request.credit,
                         copyright_notice=request.copyright_notice, licence=request.licence,
                         usage_terms=request.usage_terms, source_url=request.asset_url)
    outputs = render_video(source, info, _profiles(request, "video"), out_dir / "video",
                           focal=request.focal or FocalPoint(),
                           captions=captions, progress=_scaled(progress, 0.0, 0.85), rights=rights,
                           burn_language=request.caption_language, limits=limits)
    audio_profiles = _profiles(request, "audio")
    if audio_profiles and info.audio is not None:
        tags = AudioTags(title=request.title, artist=request.organisation or request.credit,
                         copyright=request.copyright_notice or None, url=request.asset_url or None)
        outputs += render_audio(source, info, audio_profiles, out_dir / "audio", tags=tags,
                                progress=_scaled(progress, 0.85, 1.0), limits=limits)
    return ProcessResult(probe=info.to_dict(), outputs=label_outputs(outputs), text=_caption_text(captions))


def _caption_text(captions: list[Path]) -> str:
    from transcoding.video.captions import load_caption
    from transcoding.video.captions_check import plain

    texts = []
    for path in captions:
        try:
            caption = load_caption(path)
        except BadMediaError:
            continue
        # Cue text lines only: not the header, not the timing lines.
        lines = [plain(ln) for ln in caption.webvtt.split("\n")[1:] if ln and "-->" not in ln]
        texts.append(" ".join(ln for ln in lines if ln))
    return "\n".join(t for t in texts if t)


def _audio(request: ProcessRequest, source: Path, out_dir: Path, captions: list[Path],
           progress: ProgressFn, limits: FfmpegLimits) -> ProcessResult:
    from transcoding.audio.render import render_audio
    from transcoding.audio.tags import AudioTags
    from transcoding.probe import probe

    info = probe(source, "podcast", limits=limits)
    tags = AudioTags(title=request.title, artist=request.organisation or request.credit,
                     copyright=request.copyright_notice or None, url=request.asset_url or None)
    outputs = render_audio(source, info, _profiles(request, "audio"), out_dir / "audio", tags=tags,
                           progress=progress, limits=limits)
    return ProcessResult(probe=info.to_dict(), outputs=outputs)


def _image(request: ProcessRequest, source: Path, out_dir: Path, captions: list[Path],
           progress: ProgressFn, limits: FfmpegLimits) -> ProcessResult:
    from transcoding.image.focal import suggest_focal
    from transcoding.image.render import ImageRights, inspect_image, render_images

    info = inspect_image(source)
    ocr = _ocr(source) if request.ocr else None  # before the crops: its word boxes locate the headline
    focal = request.focal
    if focal is None:
        focal = suggest_focal(source, ocr.words if ocr else [], ocr.size if ocr else (info.width, info.height))
    progress(0.1)
    targets = [(p.name, spec) for p in _profiles(request, "image") for spec in p.image
               if request.outputs is None or (p.name, spec.variant) in request.outputs]
    rights = ImageRights(credit=request.credit, copyright_notice=request.copyright_notice,
                         usage_terms=request.usage_terms, asset_id=request.asset_id, asset_url=request.asset_url,
                         title=request.title or None)
    outputs = render_images(source, targets, out_dir / "image", focal=focal, rights=rights,
                            progress=_scaled(progress, 0.1, 0.8))
    _tag_print_pdfs(request, outputs)
    probe = info.to_dict()
    described, spoken = _described_profiles(request), list[RenditionOutput]()
    if described and request.audio_description.strip():
        spoken, probe["audio_description"] = _read_description(request, source, out_dir, described,
                                                                _scaled(progress, 0.8, 0.9), limits)
    cleared = [p.name for p in described] if not spoken else []
    return ProcessResult(probe=probe, outputs=label_outputs(outputs + spoken), text=ocr.text if ocr else "",
                         focal=focal if request.focal is None else None, cleared=cleared)


def _tag_print_pdfs(request: ProcessRequest, outputs: list[RenditionOutput]) -> None:
    """Print PDFs of a picture become tagged PDFs whose one figure carries the alt text (document/pdf_access.py)."""
    from transcoding.document.pdf_access import tag_picture_pdf

    for output in outputs:
        if output.media_type == "application/pdf":
            tag_picture_pdf(output.path, title=request.title, language=request.language,
                            alt_text=request.alt_text)
            if "bytes" in output.extra:
                output.extra["bytes"] = output.path.stat().st_size


def _described_profiles(request: ProcessRequest) -> list[Profile]:
    if request.outputs is not None:  # a run for named outputs (the crops of a moved focal point) reads nothing
        return []
    chosen = [p for p in default_profiles().values() if request.kind in p.described_kinds]
    if request.profiles is not None:
        chosen = [p for p in chosen if p.name in request.profiles]
    return chosen


def _read_description(request: ProcessRequest, image: Path, out_dir: Path, profiles: list[Profile],
                      progress: ProgressFn, limits: FfmpegLimits) -> tuple[list[RenditionOutput], dict[str, Any]]:
    """The producer's audio description spoken and made into every described profile's audio outputs, the
    image itself as the podcast cover art."""
    from transcoding.audio.render import render_audio
    from transcoding.audio.speech import read_aloud
    from transcoding.audio.tags import AudioTags
    from transcoding.probe import probe

    speech_dir = out_dir / "speech"
    speech_dir.mkdir(parents=True, exist_ok=True)
    reading = read_aloud(request.audio_description, request.language or "vi", speech_dir / "description.wav")
    if reading.wav is None:
        log.info("audio description of %s not read: %s", request.asset_id, reading.reason)
        return [], reading.to_probe()
    info = probe(reading.wav, "podcast", limits=limits)
    tags = AudioTags(title=request.title, artist=request.organisation or request.credit,
                     copyright=request.copyright_notice or None, url=request.asset_url or None)
    outputs = render_audio(reading.wav, info, profiles, out_dir / "audio", tags=tags, cover_art=image,
                           progress=progress, limits=limits)
    for output in outputs:
        output.extra["source"] = "audio_description"
    return outputs, reading.to_probe()


def _ocr(source: Path) -> OcrResult | None:
    """Text printed in an infographic (for search) and its word boxes (for the crops). Skipped (with a log
    line) where tesseract is absent."""
    if not tesseract_path():
        log.warning("tesseract is not installed: OCR skipped")
        return None
    from transcoding.image.ocr import read_image

    try:
        return read_image(source)
    except Exception as exc:  # noqa: BLE001 - OCR text is a search aid; its failure must not fail renditions
        log.warning("OCR failed: %s", exc)
        return None


def _document(request: ProcessRequest, source: Path, out_dir: Path, captions: list[Path],
              progress: ProgressFn, limits: FfmpegLimits) -> ProcessResult:
    from transcoding.document.render import pdf_text, render_document

    targets = [(p.name, spec) for p in _profiles(request, "document") for spec in p.document]
    outputs = render_document(source, targets, out_dir / "document", progress=_scaled(progress, 0.0, 0.9))
    return ProcessResult(probe={"pages": len([o for o in outputs if o.variant.startswith("page-")])},
                         outputs=outputs, text=pdf_text(source))


def _qa(request: ProcessRequest, source: Path, out_dir: Path, captions: list[Path],
        progress: ProgressFn, limits: FfmpegLimits) -> ProcessResult:
    from dataclasses import replace

    from transcoding.qa import export_qa, parse_qa

    report = parse_qa(source, request.media_type, title=request.title)
    qa_set = report.qa_set
    if request.organisation and not qa_set.organisation:
        qa_set = replace(qa_set, organisation=request.organisation)
    qa_set = replace(qa_set, language=request.language or "vi")
    progress(0.3)
    formats = None
    if request.profiles is not None:
        formats = [p for p in request.profiles if p.startswith("qa-")]
    outputs = export_qa(qa_set, out_dir / "qa", formats, progress=_scaled(progress, 0.3, 1.0))
    return ProcessResult(probe={"items": len(qa_set.items), "import": report.to_dict()}, outputs=outputs,
                         text=qa_set.to_plain_text(), qa=qa_set.to_dict())


def _office(request: ProcessRequest, source: Path, out_dir: Path, captions: list[Path],
            progress: ProgressFn, limits: FfmpegLimits) -> ProcessResult:
    """Office documents: the ZIP and XML limits (bombs, entities) apply before anything reads them; then
    LibreOffice makes a PDF, which gets every document output (preview, thumbnails, the print PDF) and
    gives its text to search."""
    from transcoding.document.office import convert_to_pdf
    from transcoding.document.pdf_access import label_pdf
    from transcoding.document.render import pdf_text, render_document
    from transcoding.qa.ziplimits import check_xml_parts

    check_xml_parts(source)  # the ZIP limits first, then every XML part without DOCTYPE/ENTITY
    pdf = convert_to_pdf(source, out_dir / "office")
    label_pdf(pdf, title=request.title, language=request.language)
    progress(0.5)
    targets = [(p.name, spec) for p in _profiles(request, "document") for spec in p.document]
    outputs = render_document(pdf, targets, out_dir / "document", progress=_scaled(progress, 0.5, 0.95))
    for out in outputs:
        out.extra["converted_from"] = request.media_type
    return ProcessResult(probe={"media_type": request.media_type, "pdf_bytes": pdf.stat().st_size},
                         outputs=outputs, text=pdf_text(pdf))
