"""Web pages of certificates: verification (public), the issuer's DID document and status
lists (public, for verifiers), the legacy issuer profile, downloads, admin."""

from datetime import date
from urllib.parse import urlsplit

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..access import login_required, public, roles_required
from ..errors import Conflict, Invalid
from ..exchanges.services import exchange_for
from ..training.labels import missing_text
from ..training.services import get_session
from ..web import flash_error, next_target, redirect_next
from . import did, jobs, services, status_list
from .legacy import issuer_profile
from .signing import private_key

certificates = Blueprint("certificates", __name__, template_folder="templates")


@certificates.route("/verify/<code>")
@public
def verify_page(code: str):
    result = services.verification(code)
    return render_template("certificates/verify.html", result=result,
                           did_url=_did_url()), \
        404 if result["status"] == "unknown" else 200


def _did_url() -> str:
    """Where did:web resolution reads the DID document: from BASE_URL, never the Host header."""
    parts = urlsplit(services.base_url())
    return f"{parts.scheme}://{parts.netloc}{did.document_path(services.base_url())}"


@certificates.route("/issuer")
@public
def issuer():
    """The issuer profile with its public key as a JWK: what credentials signed before Data
    Integrity proofs name as their issuer."""
    return jsonify(issuer_profile(services.base_url(), private_key()))


@certificates.route("/.well-known/did.json")
@certificates.route("/did.json")  # BASE_URL with a path: did:web:host:path resolves to /path/did.json
@public
def did_document():
    """The institute's DID document (did:web of BASE_URL) with its key as a Multikey."""
    response = jsonify(did.document(services.base_url(), private_key()))
    response.mimetype = "application/did+json"
    return response


@certificates.route("/credentials/status/<int:number>")
@public
def status_list_credential(number: int):
    """A signed Bitstring Status List of revocations, as credentials' credentialStatus names it."""
    response = jsonify(status_list.published(number, services.base_url()))
    response.headers["Cache-Control"] = "no-cache"  # a revocation shows at the next check
    return response


@certificates.route("/certificates/<serial>")
@login_required
def certificate_page(serial: str):
    """The certificate for its holder (and admins): what it says, how long the programme
    was, how to share it (verification code and address, LinkedIn) and its downloads."""
    certificate = services.certificate_for(serial, current_user)
    return render_template("certificates/certificate.html", c=certificate,
                           verification_url=services.verification_url(certificate),
                           linkedin_url=services.linkedin_url(certificate))


@certificates.route("/certificates/<serial>/pdf")
@login_required
def pdf(serial: str):
    certificate = services.certificate_for(serial, current_user)
    return Response(services.downloaded_pdf(certificate), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{certificate.serial}.pdf"'})


@certificates.route("/certificates/<serial>/credential")
@login_required
def credential(serial: str):
    certificate = services.certificate_for(serial, current_user)
    response = jsonify(certificate.credential)
    response.headers["Content-Disposition"] = f'attachment; filename="{certificate.serial}.json"'
    return response


@certificates.route("/certificates/<serial>/credential.jwt")
@login_required
def credential_jwt(serial: str):
    certificate = services.certificate_for(serial, current_user)
    return Response(services.credential_jwt(certificate), mimetype="application/vc+jwt",
                    headers={"Content-Disposition": f'attachment; filename="{certificate.serial}.jwt"'})


@certificates.route("/admin/sessions/<int:session_id>/certificates")
@roles_required("admin")
def session_certificates(session_id: int):
    session = get_session(session_id)
    eligible, ineligible = services.eligibility(session)
    return render_template("certificates/session.html", session=session,
                           certificates=services.of_session(session), ineligible=ineligible,
                           eligible=eligible, progress=jobs.progress(session), describe=missing_text)


@certificates.route("/admin/sessions/<int:session_id>/certificates/issue", methods=["GET", "POST"])
@roles_required("admin")
def issue(session_id: int):
    """Issuing asks first: a preview of who gets a certificate and who does not (and why),
    warned when the session has not ended; only its confirm button issues."""
    session = get_session(session_id)
    if request.method == "GET" or request.form.get("confirmed") != "1":
        eligible, ineligible = services.eligibility(session)
        issued = {c.user_id for c in services.of_session(session)}
        return render_template("certificates/issue.html", session=session, today=date.today(),
                               eligible=[f for f in eligible if f.user.id not in issued],
                               already=[f for f in eligible if f.user.id in issued], ineligible=ineligible,
                               describe=missing_text)
    try:
        issuing = jobs.issue_for_session(session, current_user)
    except Conflict as exc:
        flash_error(exc)
    else:
        if issuing.result is None:
            flash(_("The certificates are being issued in the background; this page shows how far it is."),
                  "info")
        else:
            result = issuing.result
            flash(" ".join((ngettext("%(num)d certificate issued.", "%(num)d certificates issued.", len(result.issued)),
                            ngettext("%(num)d fellow not eligible.", "%(num)d fellows not eligible.",
                                     len(result.ineligible)))),
                  "success")
    return redirect(url_for("certificates.session_certificates", session_id=session_id))


@certificates.route("/admin/sessions/<int:session_id>/certificates.zip")
@roles_required("admin")
def session_zip(session_id: int):
    session = get_session(session_id)
    return Response(services.zip_of_session(session), mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="certificates-{session.code}.zip"'})


@certificates.route("/certificates/<serial>/revoke", methods=["POST"])
@roles_required("admin")
def revoke(serial: str):
    """Revoking asks first: the reason typed is shown back beside the certificate, and only
    the confirm button revokes (verifiers see it at once, and it cannot be undone)."""
    certificate = services.certificate_for(serial, current_user)
    if request.form.get("confirmed") != "1" and not certificate.revoked:
        return render_template("certificates/revoke.html", certificate=certificate,
                               reason=request.form.get("reason", "").strip(),
                               next=next_target(url_for("certificates.verify_page", code=certificate.code)))
    try:
        services.revoke(certificate, current_user, request.form.get("reason", ""))
    except (Invalid, Conflict) as exc:
        flash_error(exc)
    else:
        flash(_("%(s)s is revoked.", s=serial), "success")
    return redirect_next(url_for("certificates.verify_page", code=certificate.code))


@certificates.route("/certificates/<serial>/rerender", methods=["POST"])
@roles_required("admin")
def rerender(serial: str):
    certificate = services.rerender(services.certificate_for(serial, current_user), current_user)
    flash(_("%(s)s is rendered again; the previous PDF is kept.", s=serial), "success")
    return redirect(url_for("certificates.session_certificates", session_id=certificate.session_id)
                    if certificate.session_id else url_for("home.dashboard"))


@certificates.route("/exchanges/<int:exchange_id>/certificate", methods=["POST"])
@roles_required("admin")
def teaching(exchange_id: int):
    try:
        certificate = services.issue_teaching(exchange_for(exchange_id, current_user), current_user)
    except Conflict as exc:
        flash_error(exc)
    else:
        flash(_("Certificate of teaching %(s)s issued.", s=certificate.serial), "success")
    return redirect(url_for("exchanges.detail", exchange_id=exchange_id))
