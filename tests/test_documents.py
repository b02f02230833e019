"""Documents of record (datacapt.documents): a template rendered to HTML with its values
escaped, printed to PDF/A-3b, nothing outside the page read, each form with its SHA-256."""

from __future__ import annotations

import hashlib
import io

from pypdf import PdfReader

from datacapt.documents import render_document, render_html, render_pdf

PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>
{{ extra | safe }}</head><body><h1>{{ title }}</h1><p>{{ body }}</p></body></html>"""


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_template_is_rendered_with_every_value_escaped():
    html = render_html(PAGE, title="Consent", body="<script>alert(1)</script> & more", extra="")
    assert "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</p>" in html


def test_the_pdf_is_pdf_a_3b_and_says_what_the_html_says_with_the_digests_of_both():
    document = render_document(PAGE, title="Casebook", body="Subject 001-PAR, été", extra="")
    assert document.pdf.startswith(b"%PDF-")
    assert "Subject 001-PAR, été" in _text(document.pdf)
    metadata = PdfReader(io.BytesIO(document.pdf)).xmp_metadata
    assert metadata is not None
    identification = {
        (attribute.name, attribute.value)
        for description in metadata.rdf_root.getElementsByTagName("rdf:Description")
        for attribute in description.attributes.values()
    }
    assert {("pdfaid:part", "3"), ("pdfaid:conformance", "B")} <= identification
    assert document.pdf_sha256 == hashlib.sha256(document.pdf).hexdigest()
    assert document.html_sha256 == hashlib.sha256(document.html.encode()).hexdigest()


def test_printing_reads_nothing_outside_the_page(tmp_path):
    stylesheet = tmp_path / "leak.css"
    stylesheet.write_text('h1::after { content: "LEAKED"; }')
    html = render_html(
        PAGE,
        title="Report",
        body="text",
        extra=f'<link rel="stylesheet" href="{stylesheet.as_uri()}">',
    )
    assert "LEAKED" not in _text(render_pdf(html))
    # The same rule inline is printed: what is refused is the fetch, not the style.
    inline = render_html(
        PAGE, title="Report", body="text", extra='<style>h1::after { content: "INLINE"; }</style>'
    )
    assert "INLINE" in _text(render_pdf(inline))
