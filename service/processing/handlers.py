"""Built-in job handlers. `process`: probe a version's original, make its renditions, extract its text."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from service.assets.rendition_files import stored_keys
from service.core.config import Settings
from service.core.db import after_commit, unit_of_work
from service.http import urls
from service.jobs import repository as jobs_repo
from service.jobs import workdir
from service.jobs.failures import JobTries, classify, decide
from service.jobs.isolation import run_isolated
from service.jobs.runner import JobCancelled, JobContext, PermanentJobError, retry_policy
from service.languages import repository as language_repo
from service.models import Asset, Organisation, Rendition, Version
from service.models.base import utcnow
from service.outbox import events as outbox
from service.processing import refocus
from service.qa import items as qa_items
from service.renditions import repository as renditions
from service.workflow import gate
from storage.base import ObjectStore
from transcoding.ffmpeg_run import FfmpegLimits
from transcoding.pipeline import ProcessRequest, ProcessResult
from transcoding.types import RenditionOutput

log = logging.getLogger("kho.jobs")


def _prefix(version: Version, token: str) -> str:
    h = version.id.hex
    return f"renditions/{h[:2]}/{h[2:4]}/{h}/{token}/"


def output_files(out: RenditionOutput) -> list[tuple[str, Path]]:
    """(relative name, local path) of every file of one output. Multi-file outputs (HLS: playlists,
    init and media segments, captions) list them in extra["files"], relative to the processor's output
    folder, the entry point first; a single file is named "<profile>/<variant><suffix>"."""
    files = out.extra.get("files")
    if isinstance(files, list) and files and all(isinstance(f, str) for f in files):
        main = str(files[0])
        base = str(out.path)[: -len(main)] if str(out.path).endswith(main) else str(out.path.parent) + "/"
        return [(f, Path(base + f)) for f in files]
    return [(f"{out.profile}/{out.variant}{out.path.suffix}", out.path)]


def process_version(ctx: JobContext) -> None:
    try:
        _process(ctx)
    except JobCancelled:
        raise
    except Exception as exc:
        _record_failure(ctx, exc)
        raise


def _record_failure(ctx: JobContext, exc: Exception) -> None:
    """The version's renditions will not come: publication must know why. Best effort: the runner records
    the job's own failure whatever happens here (a database outage, say)."""
    try:
        if _final(ctx, exc):
            with unit_of_work(ctx.rt.sessionmaker) as session:
                gate.after_failure(session, ctx.version_id, str(getattr(exc, "code", "") or type(exc).__name__),
                                   str(exc) or type(exc).__name__)
    except Exception:  # noqa: BLE001 - never hide the processing error behind this one
        log.exception("job %s: could not record the publication block", ctx.job_id)


def _final(ctx: JobContext, exc: Exception) -> bool:
    """Whether the runner will give up after this failure: the runner's own rule (an outage is retried for its
    window, bad media fails at once, anything else after its attempts)."""
    failure, _ = classify(exc)
    with unit_of_work(ctx.rt.sessionmaker) as session:
        job = jobs_repo.get(session, ctx.job_id)
        if job is None:
            return True
        tries = JobTries(job.attempts, job.max_attempts, job.outage_retries, job.outage_since)
        return not decide(failure, tries, utcnow(), retry_policy(ctx.rt.settings)).retry


def _process(ctx: JobContext) -> None:
    store, settings = ctx.rt.store, ctx.rt.settings
    with unit_of_work(ctx.rt.sessionmaker) as session:
        version = session.get(Version, ctx.version_id)
        asset = session.get(Asset, ctx.asset_id)
        if version is None or asset is None:
            raise PermanentJobError("version no longer exists", "gone")
        org = session.get(Organisation, asset.owner_org_id)
        wanted = ctx.payload.get("profiles")
        outputs = refocus.requested_outputs(ctx.payload)
        request = ProcessRequest(kind=asset.kind, media_type=version.media_type,
                                 focal=refocus.focal_for(asset, version), ocr=outputs is None, outputs=outputs,
                                 profiles=[str(p) for p in wanted] if isinstance(wanted, list) and wanted else None,
                                 title=asset.title, credit=asset.credit, copyright_notice=asset.copyright_notice,
                                 usage_terms=asset.usage_terms, licence=asset.licence, asset_id=str(asset.id),
                                 asset_url=urls.asset_page(asset.id),
                                 organisation=org.name if org else "", caption_language=asset.language,
                                 language=asset.language, alt_text=asset.alt_text,
                                 audio_description=asset.audio_description)
        key, caption_key = version.object_key, version.caption_key
        revision = version.focal_revision  # the focal point this run crops around (see refocus.plan_record)
        caption_keys = {c.language: c.object_key for c in language_repo.captions_of(session, version.id)}
        suffix = source_suffix(key, version.media_type, version.original_filename)
    work = workdir.claim(settings.tmp_dir)  # removed below, or by the sweep if this worker dies
    try:
        source = work / ("original" + suffix)
        with store.open(key) as reader, source.open("wb") as out:
            for chunk in reader.iter_chunks():
                out.write(chunk)
        captions: list[Path] = []
        for language, caption_object in caption_keys.items():  # named so the processor reads the language
            captions.append(work / f"captions.{language.lower()}.vtt")
            store_to_file(store, caption_object, captions[-1])
        if caption_key and not caption_keys:
            captions.append(work / ("captions" + Path(caption_key).suffix))
            store_to_file(store, caption_key, captions[0])
        result = run_isolated(request, source, work / "out", captions=captions, progress=ctx.progress,
                              memory_limit=settings.jobs.memory_limit_mb * 1024 * 1024,
                              timeout=settings.jobs.timeout_seconds, ffmpeg_limits=ffmpeg_limits(settings))
        _publish_outputs(ctx, result, work, revision)
    finally:
        workdir.release(work)


GENERIC_TYPES = frozenset({"text/plain", "application/octet-stream", "application/zip"})


def ffmpeg_limits(settings: Settings) -> FfmpegLimits:
    """The operator's limits on each ffmpeg run (KHO_FFMPEG_TIMEOUT, …: environment or `.env`)."""
    return FfmpegLimits(timeout=settings.media.ffmpeg_timeout, stall_seconds=settings.media.ffmpeg_stall_seconds,
                        max_memory=settings.media.ffmpeg_max_memory or None)


def source_suffix(key: str, media_type: str, original_filename: str) -> str:
    """The working copy's extension. For generic types (a multi-line CSV sniffs as text/plain) the
    uploader's own extension tells the importers which format to read."""
    if media_type in GENERIC_TYPES:
        own = Path(original_filename).suffix.lower()
        if own and len(own) <= 6 and own[1:].isalnum():
            return own
    return Path(key).suffix


def store_to_file(store: ObjectStore, key: str, path: Path) -> None:
    with store.open(key) as reader, path.open("wb") as out:
        for chunk in reader.iter_chunks():
            out.write(chunk)


def _publish_outputs(ctx: JobContext, result: ProcessResult, work: Path, revision: int = 0) -> None:
    """Upload the outputs, then record them and the job's success in one fenced transaction. Whatever stops
    that (lease lost to another worker, an outage) removes this attempt's uploads, so nothing is orphaned."""
    token = uuid.uuid4().hex[:12]  # a fresh prefix per attempt: a crashed attempt never overwrites a live file
    sent: list[str] = []
    try:
        with unit_of_work(ctx.rt.sessionmaker) as session:
            version = session.get(Version, ctx.version_id)
            if version is None:
                raise PermanentJobError("version no longer exists", "gone")
            prefix = _prefix(version, token)
        uploaded = _upload(ctx, result, prefix, sent)
        _record(ctx, result, uploaded, revision)
    except BaseException:
        _discard(ctx.rt.store, sent)
        raise


def _upload(ctx: JobContext, result: ProcessResult, prefix: str, sent: list[str]) -> list[tuple[str, RenditionOutput]]:
    store = ctx.rt.store
    uploaded: list[tuple[str, RenditionOutput]] = []
    names: set[str] = set()
    for out in result.outputs:
        files = output_files(out)
        for name, path in files:
            if name not in names:  # HLS outputs share segments with their master
                ctx.check()  # a stale holder stops uploading as soon as the heartbeat learns it
                store.put_file(prefix + name, path, content_type=_content_type(name, out))
                sent.append(prefix + name)
                names.add(name)
        uploaded.append((prefix + files[0][0], out))
    return uploaded


def _record(ctx: JobContext, result: ProcessResult, uploaded: list[tuple[str, RenditionOutput]],
            revision: int) -> None:
    store = ctx.rt.store
    with unit_of_work(ctx.rt.sessionmaker) as session:
        ctx.complete(session)  # first: on PostgreSQL it locks the job row, so no takeover interleaves
        version = session.get(Version, ctx.version_id)
        if version is None:
            raise PermanentJobError("version no longer exists", "gone")
        gate.lock(session, version.id)  # the same asset lock as approval: publication cannot race it
        asset = session.get(Asset, version.asset_id)
        plan = refocus.plan_record(ctx.payload, asset.kind if asset else "", version, uploaded, revision)
        rows = [Rendition(version_id=version.id, profile=o.profile, variant=o.variant, object_key=k,
                          media_type=o.media_type, size=o.path.stat().st_size, width=o.width, height=o.height,
                          duration=o.duration, bitrate=o.bitrate, loudness_lufs=o.loudness_lufs,
                          true_peak_dbtp=o.true_peak_dbtp, extra=o.extra, job_id=ctx.job_id)
                for k, o in plan.record]
        cleared = set(result.cleared)  # profiles this run made nothing for: their old outputs go too
        replaced = [k for row in renditions.replace(session, version.id,
                                                    lambda r: plan.doomed(r) or r.profile in cleared, rows)
                    for k in stored_keys(row.object_key, row.extra)]
        replaced += plan.unused  # uploaded by this run but not recorded (a newer focal point's job owns them)
        if result.focal is not None and version.focal_x is None:
            version.focal_x, version.focal_y, version.focal_source = result.focal.x, result.focal.y, "auto"
        version.probe = result.probe
        if result.text:
            version.extracted_text = result.text
        if result.qa is not None:
            qa_items.replace_items(session, version.id, result.qa.get("items", []))
        outbox.emit(session, "asset.changed", asset_id=version.asset_id)
        gate.after_processing(session, version.id)

        def remove_replaced() -> None:
            for key in replaced:
                store.delete(key)

        after_commit(session, remove_replaced)


def _discard(store: ObjectStore, keys: list[str]) -> None:
    """Best effort: what cannot be deleted now (storage down) is an orphan the sweep removes later."""
    for key in keys:
        try:
            store.delete(key)
        except Exception:  # noqa: BLE001 - the orphan sweep is the backstop
            log.warning("could not delete %s of a discarded attempt", key, exc_info=True)


_TYPES = {".m3u8": "application/vnd.apple.mpegurl", ".mp4": "video/mp4", ".m4s": "video/iso.segment",
          ".vtt": "text/vtt", ".jpg": "image/jpeg", ".png": "image/png"}


def _content_type(name: str, out: RenditionOutput) -> str:
    return _TYPES.get(Path(name).suffix, out.media_type)
