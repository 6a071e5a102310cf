"""Office documents (DOCX, ODT, PPTX, ODP, XLSX, ODS) to PDF with LibreOffice headless.

It runs inside the processing child (memory-capped, time-limited), as its own process group with an
address-space cap, killed with the child. Each run gets a private, throwaway user profile whose settings
never run macros (highest macro security, execution disabled) and never fetch linked content (no link
updates in Writer or Calc, untrusted referer links blocked), so a hostile document can neither execute
code nor call out to the network. The soffice process never shares a profile (or its lock) with another.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from transcoding.child import child_setup
from transcoding.tools import require, soffice_path
from transcoding.types import BadMediaError, TransientProcessingError

# Calc: 1 = never update links; Writer: 0 = never (their enums differ).
_SETTINGS = {
    ("org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel"): ("int", "3"),
    ("org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution"): ("boolean", "true"),
    ("org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks"): ("boolean", "true"),
    ("org.openoffice.Office.Calc/Content/Update", "Link"): ("int", "1"),
    ("org.openoffice.Office.Writer/Content/Update", "Link"): ("int", "0"),
}
DEFAULT_TIMEOUT = 300.0
DEFAULT_MEMORY = 3 * 1024**3


def write_profile(root: Path) -> Path:
    """A user profile holding only the locked-down settings; returns the folder to pass to soffice."""
    user = root / "user"
    user.mkdir(parents=True, exist_ok=True)
    items = "\n".join(
        f'<item oor:path="/{path}"><prop oor:name="{name}" oor:op="fuse"><value>{value}</value></prop></item>'
        for (path, name), (_, value) in _SETTINGS.items())
    (user / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n{items}\n</oor:items>\n', encoding="utf-8")
    return root


# Each office application has its own PDF export filter; all of them take `UseTaggedPDF`, which writes the
# document's structure (headings, paragraphs, tables, figures with their alt text) for screen readers.
_EXPORT_FILTERS = {".docx": "writer", ".odt": "writer", ".xlsx": "calc", ".ods": "calc",
                   ".pptx": "impress", ".odp": "impress"}
_TAGGED = '{"UseTaggedPDF":{"type":"boolean","value":"true"}}'


def tagged_pdf_filter(suffix: str) -> str:
    """The `--convert-to` argument for a tagged PDF from a document with this extension."""
    application = _EXPORT_FILTERS.get(suffix.lower(), "writer")
    return f"pdf:{application}_pdf_Export:{_TAGGED}"


def convert_to_pdf(source: Path, out_dir: Path, *, timeout: float = DEFAULT_TIMEOUT,
                   memory_limit: int | None = DEFAULT_MEMORY) -> Path:
    """The PDF of an office document, written to `out_dir`. BadMediaError when LibreOffice cannot read it."""
    binary = require(soffice_path(), "soffice")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kho-soffice-") as scratch:
        profile = write_profile(Path(scratch) / "profile")
        home = Path(scratch) / "home"
        home.mkdir()
        # A plain name: LibreOffice names the PDF after the input, whatever the uploader called it.
        work = Path(scratch) / ("document" + source.suffix.lower())
        shutil.copyfile(source, work)
        args = [binary, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--nologo",
                "--nodefault", "--norestore", "--nolockcheck", "--convert-to", tagged_pdf_filter(source.suffix),
                "--outdir", str(out_dir), str(work)]
        env = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
               "TMPDIR": scratch, "SAL_USE_VCLPLUGIN": "svp"}
        _run(args, env, timeout, memory_limit)
    pdf = out_dir / "document.pdf"
    if not pdf.is_file() or pdf.stat().st_size == 0:
        raise BadMediaError("LibreOffice could not convert the document to PDF", code="office_unreadable")
    return pdf


def _cap(memory_limit: int | None) -> int | None:
    """Never more than the processing child itself may use (its own cap is inherited as a soft limit)."""
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    inherited = None if soft == resource.RLIM_INFINITY else soft
    caps = [c for c in (memory_limit, inherited) if c]
    return min(caps) if caps else None


def _run(args: list[str], env: dict[str, str], timeout: float, memory_limit: int | None) -> None:
    proc = subprocess.Popen(args, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True,
                            preexec_fn=child_setup(_cap(memory_limit)))
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # soffice starts soffice.bin: the whole group goes
        proc.communicate()
        raise TransientProcessingError(f"LibreOffice took longer than {timeout:.0f} s",
                                       code="office_timeout") from None
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # nothing of it may outlive the conversion
        except ProcessLookupError:
            pass
    if proc.returncode != 0:
        tail = output.decode("utf-8", "replace").strip().splitlines()[-1:] if output else []
        raise BadMediaError(f"LibreOffice failed ({proc.returncode}): {' '.join(tail)}"[:300],
                            code="office_unreadable")
