"""HTML from a template, PDF from HTML, and the digest that identifies each."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from jinja2 import BaseLoader, Environment, select_autoescape

# PDF/A-3b: the archival variant WeasyPrint writes whole (fonts embedded, colours declared),
# which a later PDF/A-3 step (attachments, signatures) may build on.
PDF_VARIANT = "pdf/a-3b"

# Autoescaping on: what a template prints of the data is text, never markup.
_environment = Environment(loader=BaseLoader(), autoescape=select_autoescape(default=True))


@dataclass(frozen=True)
class RenderedDocument:
    """One document in both forms, with the SHA-256 of each (hex)."""

    html: str
    pdf: bytes

    @property
    def html_sha256(self) -> str:
        return sha256(self.html.encode())

    @property
    def pdf_sha256(self) -> str:
        return sha256(self.pdf)


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def render_html(template: str, **context: Any) -> str:
    """The HTML of a Jinja2 template's source with ``context`` (every value escaped)."""
    return _environment.from_string(template).render(**context)


def render_pdf(html: str) -> bytes:
    """The PDF/A-3b print of an HTML page (its styles inline: nothing is fetched)."""
    # Imported here: WeasyPrint loads Pango and its fonts, which only documents need.
    from weasyprint import HTML, URLFetcher

    # Nothing outside the page is read (data: URLs are inside it): a template cannot make the
    # printer fetch a URL or read a file of the server.
    fetcher = URLFetcher(allowed_protocols=("data",))
    # Without a target, write_pdf answers the bytes.
    return HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_variant=PDF_VARIANT)


def render_document(template: str, **context: Any) -> RenderedDocument:
    """A template rendered to HTML and printed to PDF."""
    html = render_html(template, **context)
    return RenderedDocument(html, render_pdf(html))
