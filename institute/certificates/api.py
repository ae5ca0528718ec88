"""Certificates behind JSON."""

from flask import Response, jsonify

from ..access import ANY_USER, PUBLIC
from ..api import ApiBlueprint, current_api_user, json_body
from ..api.schemas import COUNT, DATE, DATE_TIME, STRING, array, enum_of, nullable, obj, text
from ..training.labels import missing_texts
from ..training.services import get_session
from . import jobs, services
from .models import CertificateKind

certificates_api = ApiBlueprint("certificates_api", __name__)

METADATA = obj({
    "serial": STRING, "kind": enum_of(CertificateKind), "holder": STRING, "email": STRING, "title": STRING,
    "starts_on": DATE, "ends_on": DATE, "hours": nullable({"type": "number"}), "courses": array(STRING),
    "issued_at": DATE_TIME,
    "pdf_sha256": STRING, "status": {"enum": ["valid", "revoked"]}, "revoked_at": nullable(DATE_TIME),
    "revocation_reason": nullable(STRING), "weeks": COUNT, "on_site_days": nullable(COUNT),
    "verification_code": STRING, "verification_url": STRING, "linkedin_url": STRING,
}, required=["serial", "kind", "holder", "email", "title", "starts_on", "ends_on", "hours", "courses",
             "issued_at", "pdf_sha256", "status", "revoked_at", "revocation_reason", "weeks", "on_site_days",
             "verification_code", "verification_url", "linkedin_url"])
VERIFICATION = {"oneOf": [
    obj({"status": {"const": "unknown"}}, required=["status"]),
    obj({"status": {"enum": ["valid", "revoked"]}, "serial": STRING, "holder": STRING, "title": STRING,
         "starts_on": DATE, "ends_on": DATE, "issued_on": DATE, "revoked_on": DATE, "reason": STRING},
        required=["status", "serial", "holder", "title", "starts_on", "ends_on", "issued_on"]),
]}


def _metadata(c) -> dict:
    return {"serial": c.serial, "kind": c.kind, "holder": c.holder_name, "email": c.holder.email,
            "title": c.title, "starts_on": c.starts_on.isoformat(), "ends_on": c.ends_on.isoformat(),
            "hours": c.hours, "courses": c.courses, "issued_at": c.issued_at.isoformat(),
            "pdf_sha256": c.pdf_sha256, "status": "revoked" if c.revoked else "valid",
            "revoked_at": c.revoked_at.isoformat() if c.revoked_at else None,
            "revocation_reason": c.revocation_reason or None, "weeks": c.weeks, "on_site_days": c.on_site_days,
            # What the holder shares: anyone checks the certificate with its code at its address.
            "verification_code": c.code, "verification_url": services.verification_url(c),
            "linkedin_url": services.linkedin_url(c)}


ISSUED = obj({"issued": array(STRING), "already_issued": array(STRING),
              "ineligible": array(obj({"email": STRING, "reasons": array(STRING)}, required=["email", "reasons"]))},
             required=["issued", "already_issued", "ineligible"])
QUEUED = obj({"job": STRING, "status": STRING, "done": COUNT, "total": COUNT},
             required=["job", "status", "done", "total"])


@certificates_api.endpoint(
    "/sessions/<int:session_id>/certificates", ["POST"], access=("admin",),
    summary="Issue certificates for every fellow who completed the session (in the background "
            "when Redis is configured and more than CERTIFICATE_BACKGROUND_OVER fellows wait)",
    responses={200: "{issued: [serial], ineligible: [{email, reasons}]}",
               202: "Queued for the worker: {job, status, done, total}; the session's page shows how far it is",
               401: "No or bad token", 403: "Not an admin", 404: "Unknown session", 409: "Issuing at the same moment"},
    returns={"oneOf": [ISSUED, QUEUED]},
)
def issue(session_id: int):
    issuing = jobs.issue_for_session(get_session(session_id), current_api_user())
    result = issuing.result
    if result is None:
        job = issuing.job or {}
        return jsonify({"job": job["id"], "status": job.get("status", "queued"), "done": job.get("done", 0),
                        "total": job.get("total", 0)}), 202
    return jsonify({"issued": [c.serial for c in result.issued],
                    "already_issued": [c.serial for c in result.already],
                    "ineligible": [{"email": u.email, "reasons": missing_texts(r)} for u, r in result.ineligible]})


@certificates_api.endpoint(
    "/certificates/<serial>", ["GET"], access=ANY_USER,
    summary="A certificate's metadata, with what its holder shares: the verification code and URL "
            "and an 'add to LinkedIn profile' link",
    responses={200: "The metadata", 401: "No or bad token", 403: "Not the holder", 404: "Unknown"},
    returns=METADATA,
)
def metadata(serial: str):
    return jsonify(_metadata(services.certificate_for(serial, current_api_user())))


@certificates_api.endpoint(
    "/certificates/<serial>/pdf", ["GET"], access=ANY_USER,
    summary="The certificate's PDF, as issued (a revoked one with a band saying when and why)",
    responses={200: "The PDF", 401: "No or bad token", 403: "Not the holder", 404: "Unknown"},
    produces="application/pdf",
)
def pdf(serial: str):
    certificate = services.certificate_for(serial, current_api_user())
    return Response(services.downloaded_pdf(certificate), mimetype="application/pdf")


@certificates_api.endpoint(
    "/certificates/<serial>/credential", ["GET"], access=ANY_USER,
    summary="The signed Open Badges 3.0.3 credential (JSON, Data Integrity proof eddsa-rdfc-2022; "
            "JwtProof2020 for one issued before and not upgraded)",
    responses={200: "The credential", 401: "No or bad token", 403: "Not the holder", 404: "Unknown"},
    returns=obj({"@context": array(STRING), "type": array(STRING), "proof": {"type": "object"}},
                required=["@context", "type"]),
)
def credential(serial: str):
    return jsonify(services.certificate_for(serial, current_api_user()).credential)


@certificates_api.endpoint(
    "/certificates/<serial>/credential.jwt", ["GET"], access=ANY_USER,
    summary="The same credential as a compact VC-JWT (Open Badges 3.0 §8.2, EdDSA)",
    responses={200: "The compact JWS", 401: "No or bad token", 403: "Not the holder", 404: "Unknown"},
    produces="application/vc+jwt",
)
def credential_jwt(serial: str):
    return Response(services.credential_jwt(services.certificate_for(serial, current_api_user())),
                    mimetype="application/vc+jwt")


@certificates_api.endpoint(
    "/certificates/<serial>/revoke", ["POST"], access=("admin",), summary="Revoke with a reason",
    body=obj({"reason": text(2000, 1)}, required=["reason"], additional=False),
    responses={200: "The metadata", 400: "Malformed", 401: "No or bad token", 403: "Not an admin",
               404: "Unknown", 409: "Already revoked", 422: "No reason"},
    returns=METADATA,
)
def revoke(serial: str):
    data = json_body()
    user = current_api_user()
    certificate = services.revoke(services.certificate_for(serial, user), user, str(data.get("reason") or ""))
    return jsonify(_metadata(certificate))


@certificates_api.endpoint(
    "/verify/<code>", ["GET"], access=PUBLIC, summary="Verify a certificate: valid, revoked or unknown",
    responses={200: "{status: valid | revoked | unknown, ...}"},
    returns=VERIFICATION,
)
def verify(code: str):
    return jsonify(services.verification(code))
