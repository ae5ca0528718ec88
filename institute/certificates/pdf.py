"""Certificate PDFs with WeasyPrint: A4 landscape, every script, nothing from the network.

Fonts come from the system (Noto Sans, Noto Sans Arabic, Noto Sans CJK: the
Makefile installs them) and are embedded and subset; HarfBuzz's subsetter is
used when present. The fetcher serves only ``data:`` URLs, so rendering never
reaches out. Rendering many PDFs can use every core (``render_many``).
"""

import base64
import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import segno
from weasyprint import HTML, Attachment, URLFetcher
from weasyprint.urls import FatalURLFetchingError


class OwnFilesOnly(URLFetcher):
    """Serve ``data:`` URLs (the QR code, the stylesheet) and refuse everything else."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        raise FatalURLFetchingError(f"certificates fetch nothing from outside: {url}")


def qr_data_uri(url: str) -> str:
    """A QR code of ``url`` as an SVG data URI."""
    svg = segno.make(url, error="m").svg_inline(scale=4, border=2, dark="#1f1d1a")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def render(html: str, credential_json: bytes | None = None) -> bytes:
    attachments = []
    if credential_json is not None:
        attachments.append(Attachment(string=credential_json, name="credential.json",
                                      description="Open Badges 3.0 credential (VC-JWT)",
                                      url_fetcher=OwnFilesOnly()))
    return HTML(string=html, url_fetcher=OwnFilesOnly()).write_pdf(attachments=attachments,
                                                                    pdf_variant=None)


def _render_job(job: tuple[str, bytes | None]) -> bytes:
    return render(*job)


def render_many(jobs: list[tuple[str, bytes | None]], processes: int | None = None) -> list[bytes]:
    """Render several PDFs; with more than one process, on every core."""
    processes = processes or os.cpu_count() or 1
    if processes <= 1 or len(jobs) < 2:
        return [render(*job) for job in jobs]
    with ProcessPoolExecutor(max_workers=min(processes, len(jobs)),
                             mp_context=get_context("fork")) as pool:
        return list(pool.map(_render_job, jobs, chunksize=max(1, len(jobs) // (4 * processes))))


def subsetter() -> str:
    """Which font subsetter WeasyPrint uses here: 'harfbuzz' (fast) or 'fonttools'."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return "harfbuzz" if harfbuzz_subset and harfbuzz.hb_version_atleast(4, 1, 0) else "fonttools"
