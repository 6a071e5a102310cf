"""PDF renditions that screen readers announce: title, language and, for a picture, its description.

A PDF viewer reads the catalog's `/Lang` to choose the voice and shows `/Title` instead of the file name
(`/DisplayDocTitle`). A print PDF of an infographic is one picture: it becomes a tagged PDF whose single
`Figure` structure element carries the producer's alt text, so a screen reader says what the picture shows
instead of "empty document" (PDF 1.7 §14.7–14.8; PDF/UA asks figures for `/Alt` and a bounding box).
LibreOffice tags office documents itself (its `UseTaggedPDF` export option, see office.py); the Q&A booklet
sets its language and title through fpdf2.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ContentStream,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)


def _text(value: str) -> TextStringObject:
    return TextStringObject(unicodedata.normalize("NFC", value).strip())


def _label(writer: PdfWriter, title: str, language: str) -> None:
    if writer.pdf_header < "%PDF-1.5":
        writer.pdf_header = "%PDF-1.5"  # /MarkInfo, /Lang and structure trees need 1.4+
    root = writer.root_object
    root[NameObject("/Lang")] = _text(language or "vi")
    preferences = root.get("/ViewerPreferences")
    preferences = preferences.get_object() if preferences is not None else DictionaryObject()
    preferences[NameObject("/DisplayDocTitle")] = BooleanObject(True)
    root[NameObject("/ViewerPreferences")] = preferences
    if title.strip():
        writer.add_metadata({"/Title": _text(title)})


def _save(writer: PdfWriter, path: Path) -> None:
    partial = path.with_name(path.name + ".part")
    try:
        with partial.open("wb") as out:
            writer.write(out)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def label_pdf(path: Path, *, title: str, language: str) -> None:
    """Set the document's title and language (and show the title in the viewer), keeping its tags."""
    writer = PdfWriter(clone_from=str(path))
    _label(writer, title, language)
    _save(writer, path)


def tag_picture_pdf(path: Path, *, title: str, language: str, alt_text: str) -> None:
    """Make a one-picture-per-page PDF a tagged PDF: each page's content is one `Figure` with `alt_text`."""
    writer = PdfWriter(clone_from=str(path))
    _label(writer, title, language)
    root = writer.root_object
    tree = DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot")})
    tree_ref = writer._add_object(tree)  # noqa: SLF001 - pypdf's way to make an indirect object
    document = DictionaryObject({NameObject("/Type"): NameObject("/StructElem"), NameObject("/S"):
                                 NameObject("/Document"), NameObject("/P"): tree_ref,
                                 NameObject("/Lang"): _text(language or "vi")})
    document_ref = writer._add_object(document)  # noqa: SLF001
    figures, nums = ArrayObject(), ArrayObject()
    for index, page in enumerate(writer.pages):
        box = [FloatObject(float(v)) for v in page.mediabox]
        figure = DictionaryObject({
            NameObject("/Type"): NameObject("/StructElem"), NameObject("/S"): NameObject("/Figure"),
            NameObject("/P"): document_ref, NameObject("/Pg"): page.indirect_reference,
            NameObject("/K"): NumberObject(0), NameObject("/Alt"): _text(alt_text or title),
            NameObject("/A"): DictionaryObject({NameObject("/O"): NameObject("/Layout"),
                                                NameObject("/BBox"): ArrayObject(box)}),
        })
        figure_ref = writer._add_object(figure)  # noqa: SLF001
        figures.append(figure_ref)
        nums += [NumberObject(index), ArrayObject([figure_ref])]
        page[NameObject("/StructParents")] = NumberObject(index)
        # Marked content ties the drawing operators to the Figure (MCID 0 on its page).
        drawing = page.get_contents()
        stream = ContentStream(None, writer)
        stream.set_data(b"/Figure <</MCID 0>> BDC\n" + (drawing.get_data() if drawing else b"") + b"\nEMC\n")
        page.replace_contents(stream)
    document[NameObject("/K")] = figures
    parents = DictionaryObject({NameObject("/Nums"): nums})
    tree[NameObject("/K")] = ArrayObject([document_ref])
    tree[NameObject("/ParentTree")] = writer._add_object(parents)  # noqa: SLF001
    tree[NameObject("/ParentTreeNextKey")] = NumberObject(len(writer.pages))
    root[NameObject("/StructTreeRoot")] = tree_ref
    root[NameObject("/MarkInfo")] = DictionaryObject({NameObject("/Marked"): BooleanObject(True)})
    _save(writer, path)
