"""Certificate PDFs with WeasyPrint: A4 landscape, every script, nothing from the network.

Fonts come from the system (Noto Sans, Noto Sans Arabic, Noto Sans CJK: the
Makefile installs them) and are embedded and subset; HarfBuzz's subsetter is
used when present. The fetcher serves only ``data:`` URLs, so rendering never
reaches out. What does not change between certificates — the font
configuration and the stylesheet — is made once per process, and rendering
many PDFs uses every core (``render_many``), each worker drawing its QR codes.
"""

import base64
import io
import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import segno
from weasyprint import CSS, HTML, Attachment, URLFetcher
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError

STYLESHEET = Path(__file__).with_name("pdf.css")
QR_PLACEHOLDER = "data:image/png;base64,QR"  # replaced by the verification URL's QR code


class OwnFilesOnly(URLFetcher):
    """Serve ``data:`` URLs (the QR code) and refuse everything else."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        raise FatalURLFetchingError(f"certificates fetch nothing from outside: {url}")


_per_process: dict[int, tuple[FontConfiguration, CSS]] = {}


def _shared() -> tuple[FontConfiguration, CSS]:
    """The font configuration and stylesheet of this process (a forked worker makes its own)."""
    pid = os.getpid()
    if pid not in _per_process:
        fonts = FontConfiguration()
        _per_process.clear()
        _per_process[pid] = (fonts, CSS(string=STYLESHEET.read_text(), font_config=fonts))
    return _per_process[pid]


def qr_data_uri(url: str) -> str:
    """A QR code of ``url`` as a small PNG (one pixel a module, scaled without smoothing)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=1, border=2)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def render(html: str, credential_json: bytes | None = None, qr_url: str | None = None) -> bytes:
    """A certificate PDF from its HTML, with the credential attached and the QR code drawn."""
    if qr_url is not None:
        html = html.replace(QR_PLACEHOLDER, qr_data_uri(qr_url))
    fonts, stylesheet = _shared()
    attachments = []
    if credential_json is not None:
        attachments.append(Attachment(string=credential_json, name="credential.json",
                                      description="Open Badges 3.0 credential (VC-JWT)",
                                      url_fetcher=OwnFilesOnly()))
    return HTML(string=html, url_fetcher=OwnFilesOnly()).write_pdf(
        stylesheets=[stylesheet], font_config=fonts, attachments=attachments)


def _render_job(job: tuple) -> bytes:
    return render(*job)


def render_many(jobs: list[tuple], processes: int | None = None) -> list[bytes]:
    """Render several PDFs (``(html, credential_json, qr_url)`` each); on every core when many."""
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
