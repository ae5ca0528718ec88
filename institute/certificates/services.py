"""The rules of certificates: who is eligible, issuing, revoking, verifying.

Issuing for a session locks the session, numbers the new certificates after
the last one (gap-free serials), renders their PDFs — on every core when there
are many — and stores each PDF with its hash and its signed credential. A
fellow never gets a second certificate for a session, even when issuing runs
twice at once.
"""

import hashlib
import io
import json
import logging
import secrets
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote, urlencode

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_date, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..accounts.models import User
from ..database import lock_row, utcnow
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..exchanges.models import Exchange, ExchangeStatus
from ..extensions import db
from ..i18n import text_direction
from ..links import external_url
from ..notifications.services import in_language_of, notify_user
from ..training.models import TrainingSession
from ..training.progress import FellowProgress, Missing, cohort_progress
from . import credential as credentials
from . import legacy, status_list
from .models import Certificate, CertificateFile, CertificateKind, weeks_between
from .pdf import LOGO, CertificatePage, image_data_url, render, render_many, stamped, with_credential
from .signing import private_key

log = logging.getLogger(__name__)


@dataclass
class IssueResult:
    issued: list[Certificate] = field(default_factory=list)
    ineligible: list[tuple[User, list[Missing]]] = field(default_factory=list)
    already: list[Certificate] = field(default_factory=list)


def eligibility(session: TrainingSession) -> tuple[list[FellowProgress], list[tuple[User, list[Missing]]]]:
    """The fellows who completed the session, and the others with their reasons (as data:
    ``training.labels.missing_text`` puts each in words)."""
    eligible, ineligible = [], []
    for fellow in cohort_progress(session):
        if fellow.completed:
            eligible.append(fellow)
        else:
            ineligible.append((fellow.user, fellow.missing))
    return eligible, ineligible


def base_url() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


def _facts(serial: str, number: int, holder: User, title: str, starts, ends, hours, courses,
           achievement: str, description: str, criteria: str, status_index: int,
           on_site_days: int | None = None) -> dict:
    return {"serial": serial, "number": number, "code": secrets.token_urlsafe(24),
            "holder_name": holder.name, "title": title, "starts_on": starts, "ends_on": ends,
            "hours": hours, "on_site_days": on_site_days, "courses": courses,
            "issued_at": utcnow().replace(microsecond=0),
            "achievement_id": f"{base_url()}/achievements/{achievement}", "description": description,
            "criteria": criteria, "status_index": status_index,
            "subject_id": credentials.subject_id(private_key(), holder.id)}


def _html(facts: dict, kind: str, holder: User | None = None) -> CertificatePage:
    """The certificate's two pages in the holder's language (English without one), laid
    out right to left for a language written so (Arabic)."""
    with in_language_of(holder):
        return _pages(facts, kind)


def _pages(facts: dict, kind: str) -> CertificatePage:
    verify_url = _verify_url(facts)
    locale = str(get_locale() or "en")
    if kind == CertificateKind.SESSION:
        heading, lead = _("Certificate of Completion"), _("This certifies that")
        statement = _("has completed the training session of the Global Desert Institute")
    else:
        heading, lead = _("Certificate of Teaching"), _("This certifies that")
        statement = _("has taught in the teacher exchange programme of the Global Desert Institute")
    direction = text_direction(locale)
    page = {**facts, "heading": heading, "lead": lead, "statement": statement,
            "institute": _("Kubuqi Global Desert Institute"), "lang": locale, "dir": direction,
            "period": f"{_long_date(facts['starts_on'])} – {_long_date(facts['ends_on'])}",
            "length_text": length_text(facts["starts_on"], facts["ends_on"], facts.get("on_site_days"),
                                       facts.get("hours")),
            "issued": _("Issued %(d)s", d=_long_date(facts["issued_at"])), "verify_url": verify_url,
            "signatories": signatories(), "logo": _image(current_app.config.get("CERTIFICATE_LOGO") or LOGO)}
    # Straight from the Jinja environment: a certificate needs none of the page globals,
    # and is rendered from the command line and from workers too.
    templates = current_app.jinja_env
    return CertificatePage(templates.get_template("certificates/pdf_frame.html").render(c=page),
                           templates.get_template("certificates/pdf_holder.html").render(c=page),
                           direction)


def _long_date(value) -> str:
    """"02 December 2026", in the language being written (the month's name spelt out); a
    moment by its UTC day, as the credential dates it."""
    return format_date(value.date() if isinstance(value, datetime) else value, "dd MMMM y")


def length_text(starts, ends, on_site_days: int | None, hours: float | None) -> str:
    """The programme's real length as the PDF prints it, in the language being written:
    "8 weeks · 12 days on site · 40 study hours"."""
    weeks = weeks_between(starts, ends)
    parts = [ngettext("%(num)s week", "%(num)s weeks", weeks)]
    if on_site_days is not None:
        parts.append(ngettext("%(num)s day on site", "%(num)s days on site", on_site_days))
    if hours:
        parts.append(_("%(h)s study hours", h=f"{hours:g}"))
    return " · ".join(parts)


def signatories() -> list[dict]:
    """Who signs, from ``CERTIFICATE_SIGNATORIES``: {name, title, signature (a data: URL or
    None)} each. A (name, title) pair is read too."""
    found = []
    for entry in current_app.config.get("CERTIFICATE_SIGNATORIES") or []:
        if isinstance(entry, dict):
            name, title, signature = entry.get("name", ""), entry.get("title", ""), entry.get("signature")
        else:
            (name, title), signature = entry, None
        found.append({"name": str(name), "title": str(title), "signature": _image(signature)})
    return found


def _image(path) -> str | None:
    """A configured image file as a data: URL; a missing or unfit file is left out (and
    logged), so certificates are still issued."""
    if not path:
        return None
    try:
        return image_data_url(path)
    except (OSError, ValueError) as exc:
        log.warning("certificate image left out: %s", exc)
        return None


def _verify_url(facts: dict) -> str:
    return external_url("certificates.verify_page", code=facts["code"])


def _prepare(facts: dict, kind: str, holder: User) -> tuple[dict, CertificatePage, bytes]:
    """The signed credential, the page's HTML (its QR code drawn at rendering) and the JSON."""
    signed = credentials.sign(credentials.build(facts, base_url()), private_key(), base_url(),
                              facts["issued_at"])
    document = json.dumps(signed, ensure_ascii=False, indent=2).encode()
    return signed, _html(facts, kind, holder), document


def issue_session(session: TrainingSession, admin: User | None, processes: int | None = None,
                  limit: int | None = None) -> IssueResult:
    """Certificates for every fellow who completed the session and has none yet
    (at most ``limit`` of them: a background job issues a large session in parts)."""
    lock_row(TrainingSession, session.id)
    result = IssueResult()
    eligible, result.ineligible = eligibility(session)
    existing = {c.user_id: c for c in db.session.scalars(
        sa.select(Certificate).where(Certificate.session_id == session.id))}
    result.already = [existing[f.user.id] for f in eligible if f.user.id in existing]
    new = [f for f in eligible if f.user.id not in existing][:limit]
    if not new:
        return result
    number = max((c.number for c in existing.values()), default=0)
    hours = sum((link.course.published.hours or 0) for link in session.course_links
                if link.course.published) or None
    courses = [c.title for c in (link.course.published for link in session.course_links) if c]
    facts_list = []
    for fellow, status_index in zip(new, status_list.allocate(len(new)), strict=True):
        number += 1
        serial = f"GDI-{session.year}-{session.sequence}-{number:04d}"
        facts_list.append((fellow.user, _facts(
            serial, number, fellow.user, session.title, session.starts_on, session.ends_on, hours,
            courses, f"sessions/{session.id}",
            f"Completion of the training session {session.title} of the Kubuqi Global Desert Institute.",
            "Every module of the session's courses studied and every quiz passed.", status_index,
            session.on_site_days)))
    signed_credentials = []

    def jobs():  # prepared here while the workers render the ones before
        for holder, facts in facts_list:
            signed, page, document = _prepare(facts, CertificateKind.SESSION, holder)
            signed_credentials.append(signed)
            yield page, document, _verify_url(facts)

    pdfs = render_many(jobs(), processes, count=len(facts_list))
    for (user, facts), signed, pdf in zip(facts_list, signed_credentials, pdfs, strict=True):
        result.issued.append(_store(facts, CertificateKind.SESSION, user, signed, pdf, admin,
                                    session_id=session.id))
    _flush_or_conflict()
    for certificate in result.issued:
        _tell(certificate)
    return result


def issue_teaching(exchange: Exchange, admin: User | None) -> Certificate:
    """A certificate of teaching for a completed exchange (one per exchange)."""
    if exchange.status != ExchangeStatus.COMPLETED:
        raise Conflict(_("Only a completed exchange earns a certificate of teaching."))
    existing = db.session.scalar(sa.select(Certificate).where(Certificate.exchange_id == exchange.id))
    if existing is not None:
        return existing
    year = exchange.starts_on.year
    prefix = f"GDI-{year}-T-"
    lock_row(User, exchange.teacher_id)  # two admins issuing at once number in turn
    number = (db.session.scalar(sa.select(sa.func.max(Certificate.number)).where(
        Certificate.kind == CertificateKind.TEACHING, Certificate.serial.like(prefix + "%"))) or 0) + 1
    # Courses by their titles and institutions by their names, as a reader knows them.
    courses = [c.published.title if c.published else c.slug for c in exchange.courses]
    facts = _facts(f"{prefix}{number:04d}", number, exchange.teacher,
                   f"Teacher exchange {exchange.home.name} → {exchange.host.name}"[:300], exchange.starts_on,
                   exchange.ends_on, None, courses, f"exchanges/{exchange.id}",
                   f"Teaching at {exchange.host.name} in the teacher exchange programme.",
                   "An approved exchange completed with the teacher's report.", status_list.allocate(1)[0])
    signed, html, document = _prepare(facts, CertificateKind.TEACHING, exchange.teacher)
    certificate = _store(facts, CertificateKind.TEACHING, exchange.teacher, signed,
                         render(html, document, _verify_url(facts)), admin, exchange_id=exchange.id)
    _flush_or_conflict()
    _tell(certificate)
    return certificate


def _store(facts, kind, user, signed, pdf, admin, **where) -> Certificate:
    certificate = Certificate(
        serial=facts["serial"], code=facts["code"], kind=kind, user_id=user.id, number=facts["number"],
        holder_name=facts["holder_name"], title=facts["title"], starts_on=facts["starts_on"],
        ends_on=facts["ends_on"], hours=facts["hours"], on_site_days=facts.get("on_site_days"),
        courses=facts["courses"],
        issued_at=facts["issued_at"], issued_by_id=admin.id if admin else None, credential=signed,
        pdf=pdf, pdf_sha256=hashlib.sha256(pdf).hexdigest(), status_index=facts["status_index"], **where)
    db.session.add(certificate)
    return certificate


def _flush_or_conflict() -> None:
    try:
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError as exc:
        raise Conflict(_("Certificates were being issued at the same moment; nothing was issued twice. "
                         "Try again.")) from exc


def _tell(certificate: Certificate) -> None:
    notify_user(certificate.holder, "certificate", "certificates/email/issued.txt",
                _l("Your certificate %(s)s", s=certificate.serial), certificate=certificate,
                dashboard=external_url("home.dashboard"),
                link=external_url("certificates.verify_page", code=certificate.code))


# ------------------------------------------------------------------ reading


LINKEDIN_ADD = "https://www.linkedin.com/profile/add"


def verification_url(certificate: Certificate) -> str:
    """The public address that verifies the certificate by its code (from BASE_URL)."""
    return external_url("certificates.verify_page", code=certificate.code)


def linkedin_url(certificate: Certificate) -> str:
    """LinkedIn's "Add to profile" link for a certification, filled in: its name, the
    institute as issuer, the month of issue, the serial as credential id and the
    verification address (LinkedIn's documented parameters; certificates do not expire,
    so no expiration is given). A plain link: nothing is loaded from LinkedIn."""
    query = {"startTask": "CERTIFICATION_NAME", "name": certificate.title,
             "organizationName": credentials.ISSUER_NAME,
             "issueYear": str(certificate.issued_at.year), "issueMonth": str(certificate.issued_at.month),
             "certUrl": verification_url(certificate), "certId": certificate.serial}
    return f"{LINKEDIN_ADD}?{urlencode(query, quote_via=quote)}"


def get(serial: str) -> Certificate:
    """The certificate, for no one in particular (the CLI, jobs); requests use ``certificate_for``."""
    certificate = db.session.scalar(sa.select(Certificate).where(Certificate.serial == serial))
    if certificate is None:
        raise NotFound(_("No such certificate."))
    return certificate


def certificate_for(serial: str, actor: User) -> Certificate:
    """The certificate, loaded for ``actor``: NotFound when there is none; Forbidden unless
    they hold it or are an admin (its metadata, PDF and credential are theirs alone; anyone
    may verify it by its code)."""
    certificate = get(serial)
    if certificate.user_id != actor.id and not actor.has_role("admin"):
        raise Forbidden(_("Only the holder and admins see a certificate."))
    return certificate


def of_session(session: TrainingSession) -> list[Certificate]:
    return list(db.session.scalars(sa.select(Certificate).where(Certificate.session_id == session.id)
                                   .order_by(Certificate.number)))


def of_user(user: User) -> list[Certificate]:
    return list(db.session.scalars(sa.select(Certificate).where(Certificate.user_id == user.id)
                                   .order_by(Certificate.issued_at.desc())))


def verification(code: str) -> dict:
    """What anyone may know of a certificate from its code: valid, revoked or unknown."""
    certificate = db.session.scalar(sa.select(Certificate).where(Certificate.code == code)) \
        if code and len(code) <= 64 else None
    if certificate is None:
        return {"status": "unknown"}
    # What the published status list says: the answer a standard verifier gets too.
    revoked = status_list.revoked_in_list(certificate, base_url())
    data = {"status": "revoked" if revoked else "valid", "serial": certificate.serial,
            "holder": certificate.holder_name, "title": certificate.title,
            "starts_on": certificate.starts_on.isoformat(), "ends_on": certificate.ends_on.isoformat(),
            "issued_on": certificate.issued_at.date().isoformat()}
    if revoked and certificate.revoked_at is not None:
        data.update(revoked_on=certificate.revoked_at.date().isoformat(),
                    reason=certificate.revocation_reason)
    return data


def credential_jwt(certificate: Certificate) -> str:
    """The certificate's credential as a compact VC-JWT; one issued before Data Integrity
    proofs has its own JWT (the VC 1.1 form, with a ``vc`` claim)."""
    if legacy.is_legacy(certificate.credential):
        return certificate.credential["proof"]["jwt"]
    return credentials.as_jwt(certificate.credential, private_key())


def zip_of_session(session: TrainingSession) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:  # PDFs are compressed already
        # The bytes by column, one certificate's at a time off the cursor, not as objects.
        for serial, pdf, revoked in db.session.execute(
                sa.select(Certificate.serial, Certificate.pdf, Certificate.revoked_at.is_not(None)).where(
                    Certificate.session_id == session.id).order_by(Certificate.number)):
            if revoked:  # marked as any download of it is (rare: loaded whole only then)
                whole = db.session.scalars(sa.select(Certificate).where(Certificate.serial == serial)).one()
                pdf = downloaded_pdf(whole)
            archive.writestr(f"{serial}.pdf", pdf)
    return buffer.getvalue()


# ------------------------------------------------------------------ changes


def revoke(certificate: Certificate, admin: User, reason: str) -> Certificate:
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(details=[{"field": "reason", "message": _("Say why the certificate is revoked.")}])
    if certificate.revoked:
        raise Conflict(_("This certificate is already revoked."))
    certificate.revoked_at, certificate.revoked_by_id = utcnow(), admin.id
    certificate.revocation_reason = reason[:2000]
    db.session.flush()
    status_list.republish(status_list.position(certificate.status_index)[0], base_url())
    notify_user(certificate.holder, "certificate-revoked", "certificates/email/revoked.txt",
                _l("Your certificate %(s)s is revoked", s=certificate.serial), certificate=certificate,
                link=external_url("certificates.verify_page", code=certificate.code))
    return certificate


def rerender(certificate: Certificate, admin: User) -> Certificate:
    """Render the PDF again with today's template; the old file is kept."""
    db.session.add(CertificateFile(certificate_id=certificate.id, pdf=certificate.pdf,
                                   pdf_sha256=certificate.pdf_sha256, replaced_by_id=admin.id))
    facts = {"serial": certificate.serial, "code": certificate.code, "holder_name": certificate.holder_name,
             "title": certificate.title, "starts_on": certificate.starts_on, "ends_on": certificate.ends_on,
             "hours": certificate.hours, "on_site_days": certificate.on_site_days, "courses": certificate.courses,
             "issued_at": certificate.issued_at}
    document = json.dumps(certificate.credential, ensure_ascii=False, indent=2).encode()
    pdf = render(_html(facts, certificate.kind, certificate.holder), document, _verify_url(facts))
    certificate.pdf, certificate.pdf_sha256 = pdf, hashlib.sha256(pdf).hexdigest()
    db.session.flush()
    return certificate


def downloaded_pdf(certificate: Certificate) -> bytes:
    """The PDF as its holder downloads it: as issued; a revoked one with a band across it
    that says so, when and why (made at download: the stored PDF stays as issued)."""
    if not certificate.revoked or certificate.revoked_at is None:
        return certificate.pdf
    reason = certificate.revocation_reason
    html = current_app.jinja_env.get_template("certificates/pdf_revoked.html").render(
        revoked_on=f"{certificate.revoked_at:%d %B %Y}",
        reason=reason if len(reason) <= 240 else reason[:239] + "…",
        verify_url=external_url("certificates.verify_page", code=certificate.code))
    return stamped(certificate.pdf, html)


def old_files(certificate: Certificate) -> list[CertificateFile]:
    return list(db.session.scalars(sa.select(CertificateFile).where(
        CertificateFile.certificate_id == certificate.id).order_by(CertificateFile.id)))


def upgrade_credential(certificate: Certificate, admin: User | None) -> bool:
    """Re-issue a JWT-signed (pre-issue 15) credential as today's, with the same facts, and put
    it in the PDF in place of the old attachment, the pages untouched (the old PDF is kept).
    False when the credential is today's already."""
    old = certificate.credential
    if not legacy.is_legacy(old):
        return False
    achievement = old.get("credentialSubject", {}).get("achievement", {})
    facts = {"serial": certificate.serial, "holder_name": certificate.holder_name, "title": certificate.title,
             "starts_on": certificate.starts_on, "ends_on": certificate.ends_on, "hours": certificate.hours,
             "courses": certificate.courses, "issued_at": certificate.issued_at,
             "achievement_id": achievement.get("id") or f"{base_url()}/achievements/{certificate.serial}",
             "description": achievement.get("description", certificate.title),
             "criteria": achievement.get("criteria", {}).get("narrative", ""),
             "status_index": certificate.status_index,
             "subject_id": credentials.subject_id(private_key(), certificate.user_id)}
    signed = credentials.sign(credentials.build(facts, base_url()), private_key(), base_url(),
                              utcnow().replace(microsecond=0))
    db.session.add(CertificateFile(certificate_id=certificate.id, pdf=certificate.pdf,
                                   pdf_sha256=certificate.pdf_sha256, replaced_by_id=admin.id if admin else None))
    pdf = with_credential(certificate.pdf, json.dumps(signed, ensure_ascii=False, indent=2).encode())
    certificate.credential, certificate.pdf, certificate.pdf_sha256 = signed, pdf, hashlib.sha256(pdf).hexdigest()
    db.session.flush()
    return True


def legacy_serials() -> list[str]:
    """Serials of the certificates whose credential is still JWT-signed."""
    # The credential column is JSON on SQLite and PostgreSQL alike: read and test in Python.
    return [serial for serial, document in db.session.execute(
        sa.select(Certificate.serial, Certificate.credential).order_by(Certificate.id))
        if legacy.is_legacy(document)]
