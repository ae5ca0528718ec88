"""Certificate PDFs with WeasyPrint: A4 landscape, every script, nothing from the network.

A certificate is two WeasyPrint pages laid one over the other with qpdf (pikepdf):

- the *frame*, what every certificate of one issuing shares (border, institute,
  session, dates, hours, courses, signatories, issue date, the start of the
  verification address), rendered once per process and kept while it is asked
  for again;
- the *holder* page, what is the fellow's own (name, serial, verification
  code), with the QR code of the verification address drawn by segno as vector paths
  (segno's own PDF output: what its SVG draws, without WeasyPrint parsing an SVG
  path for every certificate) into the square pdf.css keeps free for it.

So issuing a session renders the shared part once, not once per fellow. Both
pages come from HTML/CSS templates and the same stylesheet. The logo and the
signatures are images read from the paths configuration gives (never from a
request) and put in the HTML as ``data:`` URLs, the one kind of URL the fetcher
accepts. A revoked certificate is downloaded with a band laid over the stored
PDF (``stamped``), which itself stays as issued. Fonts come from the
system (Noto Sans, Noto Sans Arabic, Noto Sans CJK: the Makefile installs them)
and are embedded and subset; HarfBuzz's subsetter is used when present. The
fetcher refuses every URL, so rendering never reaches out.
"""

import base64
import contextlib
import hashlib
import io
import itertools
import os
import threading
from collections import OrderedDict
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import NamedTuple

import pikepdf
import segno
from weasyprint import CSS, HTML, URLFetcher
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError

STYLESHEET = Path(__file__).with_name("pdf.css")
LOGO = Path(__file__).parent / "assets" / "logo.svg"  # the institute's mark, shipped
IMAGE_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
IMAGE_MAX_BYTES = 2 * 1024 * 1024
MM = 72 / 25.4  # PDF points per millimetre
PAGE_MM = (297, 210)  # A4 landscape, as in pdf.css
# The QR code's square, in mm from the page's right (left, right to left) and bottom
# edges: pdf.css keeps it free, above the serial and the verification address.
QR_RIGHT_MM, QR_BOTTOM_MM, QR_SIZE_MM = 29, 33, 34
FRAMES_KEPT = 8  # frames of recent issuings, per process
ATTACHMENT = "credential.json"


class CertificatePage(NamedTuple):
    """The HTML of a certificate: what its issuing shares, and what is the holder's own."""

    frame: str
    holder: str
    direction: str = "ltr"  # "rtl": laid out right to left, the QR code's square on the left


class NothingFromOutside(URLFetcher):
    """Refuse every URL: a certificate is drawn from its HTML, the stylesheet and local fonts."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):  # an image given inline (the logo, signatures): nothing outside
            return super().fetch(url, headers)
        raise FatalURLFetchingError(f"certificates fetch nothing from outside: {url}")


_per_process: dict[int, tuple[FontConfiguration, CSS, NothingFromOutside]] = {}
_frames: OrderedDict[str, bytes] = OrderedDict()


def _shared() -> tuple[FontConfiguration, CSS, NothingFromOutside]:
    """The font configuration, stylesheet and fetcher of this process (a forked worker
    makes its own)."""
    pid = os.getpid()
    if pid not in _per_process:
        fonts = FontConfiguration()
        _per_process.clear()
        _per_process[pid] = (fonts, CSS(string=STYLESHEET.read_text(), font_config=fonts),
                             NothingFromOutside())
    return _per_process[pid]


def _weasyprint(html: str) -> bytes:
    fonts, stylesheet, fetcher = _shared()
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[stylesheet], font_config=fonts)


def frame_pdf(html: str) -> bytes:
    """The shared part of a certificate, rendered once and kept for the next ones.

    Two threads of a web worker may get here at once: each step on the dict is atomic,
    and at worst a frame is rendered twice. (No lock: a worker forked while another
    thread held it would wait for ever.)"""
    key = hashlib.sha256(html.encode()).hexdigest()
    frame = _frames.get(key)
    if frame is None:
        frame = _frames[key] = _weasyprint(html)
        while len(_frames) > FRAMES_KEPT:
            try:
                _frames.popitem(last=False)
            except KeyError:  # another thread emptied it meanwhile
                break
    else:
        with contextlib.suppress(KeyError):  # evicted by another thread meanwhile
            _frames.move_to_end(key)
    return frame


def qr_pdf(url: str) -> pikepdf.Pdf:
    """A QR code of ``url`` as a one-page vector PDF, made by segno."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="pdf", scale=1, border=0)
    return pikepdf.open(io.BytesIO(buffer.getvalue()))


def render(page: CertificatePage, credential_json: bytes | None = None,
           qr_url: str | None = None) -> bytes:
    """A certificate PDF: the frame under the holder's page, the QR code drawn in its square
    and the credential attached."""
    frame = frame_pdf(page.frame)  # first: refused URLs fail before any work on the holder
    pdf = pikepdf.open(io.BytesIO(_weasyprint(page.holder)))
    sheet = pdf.pages[0]
    with pikepdf.open(io.BytesIO(frame)) as shared:
        sheet.add_underlay(shared.pages[0], None)  # None: the whole page (pikepdf's stub omits the default)
    if qr_url is not None:
        # Right to left, pdf.css keeps the square as far from the left edge.
        right = QR_RIGHT_MM + QR_SIZE_MM if page.direction == "rtl" else PAGE_MM[0] - QR_RIGHT_MM
        bottom = QR_BOTTOM_MM
        qr = qr_pdf(qr_url)  # kept open until drawn: a page does not keep its document alive
        sheet.add_overlay(qr.pages[0], pikepdf.Rectangle(
            (right - QR_SIZE_MM) * MM, bottom * MM, right * MM, (bottom + QR_SIZE_MM) * MM))
    if credential_json is not None:
        _attach(pdf, credential_json)
    return _saved(pdf)


def _attach(pdf: pikepdf.Pdf, credential_json: bytes) -> None:
    # pikepdf's stub omits the dates' defaults ("", no date); the runtime has them.
    pdf.attachments[ATTACHMENT] = pikepdf.AttachedFileSpec(  # type: ignore[call-arg]
        pdf, credential_json, description="Open Badges 3.0 credential (Data Integrity, eddsa-rdfc-2022)",
        filename=ATTACHMENT, mime_type="application/json")


def _saved(pdf: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    pdf.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
             deterministic_id=True)
    return out.getvalue()


def with_credential(pdf_bytes: bytes, credential_json: bytes) -> bytes:
    """The same PDF with ``credential_json`` as its attachment instead: its pages untouched."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        _attach(pdf, credential_json)
        return _saved(pdf)


def image_data_url(path: str | Path) -> str:
    """The image at ``path`` (a configured path: never one a request names) as a ``data:``
    URL; ValueError when it is not an SVG, PNG or JPEG file of at most 2 MB."""
    path = Path(path)
    kind = IMAGE_TYPES.get(path.suffix.lower())
    if kind is None:
        raise ValueError(f"not an SVG, PNG or JPEG image: {path}")
    data = path.read_bytes()
    if len(data) > IMAGE_MAX_BYTES:
        raise ValueError(f"image larger than 2 MB: {path}")
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


def stamped(pdf_bytes: bytes, html: str) -> bytes:
    """The PDF with the page ``html`` renders laid over each of its pages (a revoked
    certificate's band); its attachment and the PDF given stay as they are."""
    band = pikepdf.open(io.BytesIO(_weasyprint(html)))
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        for sheet in pdf.pages:
            sheet.add_overlay(band.pages[0], None)
        return _saved(pdf)


def _render_job(job: tuple) -> bytes:
    return render(*job)


def render_many(jobs: Iterable[tuple], processes: int | None = None,
                count: int | None = None) -> list[bytes]:
    """Render several PDFs (``(page, credential_json, qr_url)`` each, ``count`` of them if
    known); on every core when many. Jobs may come lazily: while the workers render, the
    caller prepares the next ones."""
    processes = processes or os.cpu_count() or 1
    jobs = iter(jobs)
    if processes <= 1 or (count is not None and count < 2) or threading.active_count() > 1:
        # A process forked while another thread holds a lock (a threaded web worker serving
        # other requests) could wait for ever: only a single-threaded process (the command
        # line, the background worker) renders on every core.
        return [render(*job) for job in jobs]
    first = next(jobs, None)
    if first is None:
        return []
    frame_pdf(first[0].frame)  # rendered here once, inherited by every forked worker
    workers = processes if count is None else min(processes, count)
    chunk = max(1, (count or 0) // (8 * workers))  # few messages, and the work stays even
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
        return list(pool.map(_render_job, itertools.chain([first], jobs), chunksize=chunk))


def subsetter() -> str:
    """Which font subsetter WeasyPrint uses here: 'harfbuzz' (fast) or 'fonttools'."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return "harfbuzz" if harfbuzz_subset and harfbuzz.hb_version_atleast(4, 1, 0) else "fonttools"
