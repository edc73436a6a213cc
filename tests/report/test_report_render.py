"""The three formats: a self-contained HTML page, a PDF whose pages show every section, caption and chart, and a Word
document with headings, tables and pictures. Rendered once per session from the synthetic city (conftest)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

SECTION_TITLES = (
    "人口总量与变动",
    "人口年龄结构",
    "人口变动趋势",
    "分区县人口",
    "人口老龄化",
    "生育与死亡",
    "流动人口",
)


def _squash(text: str) -> str:
    """Text without any white space (PDF extraction breaks lines and renders the ideographic space variously)."""
    return re.sub(r"\s+", "", text)


def test_html_is_self_contained_with_an_inline_svg_per_figure(rendered, report_model) -> None:  # type: ignore[no-untyped-def]
    html = rendered["html"].read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, flags=re.IGNORECASE)
    assert "<link" not in html and "<script" not in html and "@import" not in html
    # The only URLs left are XML namespace names, which are never fetched.
    without_namespaces = re.sub(r'xmlns(:\w+)?="[^"]*"', "", html)
    assert "http://" not in without_namespaces and "https://" not in without_namespaces
    figures = report_model.figures()
    assert html.count("<svg") == len(figures)
    for figure in figures:
        block = html.split(f'id="figure-{figure.number}"', 1)[1].split("</figure>", 1)[0]
        assert "<svg" in block and "<path" in block, figure.label
        assert figure.caption in block
    for title in SECTION_TITLES:
        assert title in html
    assert html.count("资料来源：renkou 人口登记库") == len(figures) + len(report_model.tables())


def test_pdf_pages_show_sections_captions_and_drawn_charts(rendered, report_model) -> None:  # type: ignore[no-untyped-def]
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    document = pdfium.PdfDocument(str(rendered["pdf"]))
    text = ""
    images = []
    for index in range(len(document)):
        page = document[index]
        text += page.get_textpage().get_text_range()
        scale = 1.5
        bitmap = page.render(scale=scale).to_numpy()
        height = bitmap.shape[0]
        for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
            left, bottom, right, top = obj.get_bounds()
            # PDF y grows upwards; the bitmap's rows grow downwards.
            crop = bitmap[
                int(height - top * scale) : int(height - bottom * scale), int(left * scale) : int(right * scale), :3
            ]
            images.append(crop)
    document.close()
    squashed = _squash(text)
    assert _squash(report_model.title) in squashed
    for title in SECTION_TITLES:
        assert title in squashed
    for block in [*report_model.figures(), *report_model.tables()]:
        assert _squash(block.label) in squashed, block.label
    assert "资料来源：renkou人口登记库" in squashed
    assert len(images) == len(report_model.figures())
    for crop in images:
        assert crop.size > 200 * 200 * 3
        # A chart has ink: dark marks on a light page, so its pixels vary widely (a blank box has variance 0).
        assert float(np.var(crop.astype(np.float64))) > 500
        assert (crop.mean(axis=2) < 128).mean() > 0.005


def test_docx_has_headings_tables_and_pictures(rendered, report_model) -> None:  # type: ignore[no-untyped-def]
    import docx

    document = docx.Document(str(rendered["docx"]))
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert headings == [s.heading for s in report_model.sections] + ["附注"]
    assert document.paragraphs[0].text == report_model.title
    assert len(document.tables) == len(report_model.tables())
    for table, expected in zip(document.tables, report_model.tables(), strict=True):
        assert tuple(cell.text for cell in table.rows[0].cells) == expected.header
        assert len(table.rows) == len(expected.rows) + 1
        assert tuple(cell.text for cell in table.rows[-1].cells) == expected.rows[-1]
    pictures = document.inline_shapes
    assert len(pictures) == len(report_model.figures())
    captions = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Caption"]
    assert captions == [b.label for s in report_model.sections for b in s.blocks if hasattr(b, "label")]
    images = [part for part in document.part.package.parts if part.content_type == "image/png"]
    assert len(images) == len(report_model.figures())
    assert all(len(part.blob) > 10_000 for part in images)


def test_written_files_are_what_their_names_say(rendered) -> None:  # type: ignore[no-untyped-def]
    paths: dict[str, Path] = rendered
    assert paths["pdf"].read_bytes().startswith(b"%PDF-")
    assert paths["docx"].read_bytes().startswith(b"PK")
    assert paths["html"].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
