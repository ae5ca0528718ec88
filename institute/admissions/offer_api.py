"""Offers and invitation letters behind JSON: confirm, decline, the letter's PDF."""

from flask import Response, jsonify, request

from ..api import ApiBlueprint, current_api_user
from ..api.schemas import DATE_TIME, ID, enum_of, nullable, obj
from ..training import services as training
from ..training.models import ApplicationStatus
from ..training.serializers import application_json
from . import invitations, offers

offers_api = ApiBlueprint("offers_api", __name__)

OFFER = obj({
    "id": ID, "status": enum_of(ApplicationStatus),
    "offer_expires_at": nullable(DATE_TIME), "confirmed_at": nullable(DATE_TIME),
}, required=["id", "status", "offer_expires_at", "confirmed_at"])


def offer_json(application) -> dict:
    return {**application_json(application),
            "offer_expires_at": application.offer_expires_at.isoformat() if application.offer_expires_at else None,
            "confirmed_at": application.confirmed_at.isoformat() if application.confirmed_at else None}


@offers_api.endpoint(
    "/applications/<int:application_id>/confirm", ["POST"], access=("trainee",),
    summary="Confirm the offer of a seat, before its deadline (the applicant)",
    responses={200: "The application, confirmed", 401: "No or bad token", 403: "Not yours",
               404: "Unknown", 409: "No offer to confirm, or its deadline passed (the offer lapses)"},
    returns=OFFER,
)
def confirm(application_id: int):
    user = current_api_user()
    application = offers.confirm(training.application_for(application_id, user, "confirm"), user)
    return jsonify(offer_json(application))


@offers_api.endpoint(
    "/applications/<int:application_id>/decline", ["POST"], access=("trainee",),
    summary="Decline the offer of a seat (the applicant); the seat goes to the oldest waitlisted",
    responses={200: "The application, declined", 401: "No or bad token", 403: "Not yours",
               404: "Unknown", 409: "No offer to decline"},
    returns=OFFER,
)
def decline(application_id: int):
    user = current_api_user()
    application = offers.decline(training.application_for(application_id, user, "confirm"), user)
    return jsonify(offer_json(application))


@offers_api.endpoint(
    "/applications/<int:application_id>/invitation", ["GET"], access=("trainee", "admin"),
    summary="The invitation letter for the visa, PDF (lang=en|zh|ar), of a confirmed seat",
    responses={200: "The PDF", 401: "No or bad token", 403: "Not the applicant or an admin",
               404: "Unknown", 409: "The seat is not confirmed", 422: "A language other than en or zh"},
    produces="application/pdf", query={"lang": {"enum": ["en", "zh", ""]}},
)
def invitation(application_id: int):
    application = invitations.invitation_for(application_id, current_api_user())
    letter = invitations.render_letter(
        application, invitations.letter_language(request.args.get("lang"), application.user))
    return Response(letter.pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{letter.filename}"'})
