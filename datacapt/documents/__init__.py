"""Documents the platform writes for the record: an HTML page rendered from a Jinja2
template, printed to PDF (PDF/A-3b) with WeasyPrint, each kept with its SHA-256."""

from datacapt.documents.rendering import (
    RenderedDocument,
    render_document,
    render_html,
    render_pdf,
)

__all__ = ["RenderedDocument", "render_document", "render_html", "render_pdf"]
