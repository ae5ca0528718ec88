"""Invitation letters for the visa: a confirmed fellow's letter to the embassy or
consulate of the People's Republic of China, as a PDF made with WeasyPrint.

The letter is written in English or in Chinese (``LETTERS``; not the interface's
catalogues: its words are the institute's, fixed, whatever language the reader browses
in), on the institute's letterhead (CERTIFICATE_LOGO), signed by INVITATION_SIGNATORY
(else the first of CERTIFICATE_SIGNATORIES), saying who pays (INVITATION_COSTS). Each
language names its text direction, which the template and stylesheet follow (logical
properties only), so that a right-to-left letter needs only its words. Fonts come from
the system (Noto Sans, Noto Sans Arabic, Noto Sans CJK) and nothing is fetched from the
network, as for certificates.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from babel.dates import format_date
from flask import current_app
from flask_babel import gettext as _
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from ..accounts.countries import country_name
from ..accounts.models import User
from ..certificates.pdf import LOGO, NothingFromOutside, image_data_url
from ..certificates.services import signatories
from ..errors import Conflict, Invalid
from ..training import services as training
from ..training.models import Application
from .offers import is_confirmed

STYLESHEET = Path(__file__).with_name("invitation.css")
LANGUAGES = ("en", "zh")

# Who pays, when INVITATION_COSTS does not say: a text per language (or one text for all).
DEFAULT_COSTS = {
    "en": "international travel, accommodation, meals and training fees",
    "zh": "国际往返旅费、住宿费、餐费和培训费",
}

LETTERS: dict[str, dict[str, str]] = {
    "en": {
        "dir": "ltr",
        "institute": "Kubuqi Global Desert Institute",
        "address": "Kubuqi Desert, Ordos, Inner Mongolia, People's Republic of China",
        "heading": "Letter of invitation",
        "to": "To the Embassy or Consulate General of the People's Republic of China",
        "reference": "Reference",
        "date": "Date",
        "salutation": "Dear Sir or Madam,",
        "invite": "The Kubuqi Global Desert Institute is pleased to invite {name}, a national of {country}, "
                  "to take part in its training session “{title}”, to be held in {place}, "
                  "People's Republic of China, from {starts} to {ends}.",
        "costs": "The institute covers {costs} for the duration of the session.",
        "passport": "Name as in the passport",
        "nationality": "Nationality",
        "session": "Training session",
        "dates": "Dates",
        "place": "Place",
        "request": "We kindly ask you to grant a visa for this visit. Should you need any further "
                   "information, please do not hesitate to contact the institute.",
        "closing": "Yours faithfully,",
    },
    "zh": {
        "dir": "ltr",
        "institute": "库布其全球沙漠学院",
        "address": "中华人民共和国内蒙古自治区鄂尔多斯市库布其沙漠",
        "heading": "邀请函",
        "to": "中华人民共和国驻外使馆、领事馆：",
        "reference": "编号",
        "date": "日期",
        "salutation": "尊敬的签证官：",
        "invite": "库布其全球沙漠学院诚挚邀请{country}公民{name}参加本院举办的培训课程“{title}”。"
                  "培训将于{starts}至{ends}在中华人民共和国{place}举行。",
        "costs": "培训期间的{costs}由本院承担。",
        "passport": "护照姓名",
        "nationality": "国籍",
        "session": "培训课程",
        "dates": "日期",
        "place": "地点",
        "request": "恳请贵馆为其办理签证。如需更多信息，请与本院联系。",
        "closing": "此致\n敬礼",
    },
}


@dataclass
class Letter:
    pdf: bytes
    filename: str


def letter_language(requested: str | None, user: User | None) -> str:
    """The language asked for (en or zh); else the reader's interface language when it
    is Chinese; else English. Another language asked for is refused."""
    if requested in LANGUAGES:
        return str(requested)
    if requested:
        raise Invalid(details=[{"field": "lang", "message": _("The letter is written in en or zh.")}])
    locale = str(getattr(user, "locale", "") or "")
    return "zh" if locale.startswith("zh") else "en"


def invitation_for(application_id: int, actor: User | None) -> Application:
    """The application whose letter the actor downloads: the applicant or an admin
    (``training.services.application_for``); only a confirmed seat has a letter."""
    application = training.application_for(application_id, actor, "invitation")
    if not is_confirmed(application):
        raise Conflict(_("The invitation letter is for fellows who have confirmed their seat."))
    return application


def reference(application: Application) -> str:
    return f"GDI-{application.session.code}-{application.id:05d}"


def _costs(language: str) -> str:
    costs = current_app.config.get("INVITATION_COSTS") or DEFAULT_COSTS
    if isinstance(costs, dict):
        return str(costs.get(language) or costs.get("en") or DEFAULT_COSTS[language])
    return str(costs)


def signatory() -> dict:
    """INVITATION_SIGNATORY ({name, title, signature?}), else the certificates' first."""
    configured = current_app.config.get("INVITATION_SIGNATORY")
    if isinstance(configured, dict) and configured.get("name"):
        return {"name": str(configured["name"]), "title": str(configured.get("title") or ""),
                "signature": _image(configured.get("signature"))}
    found = signatories()
    return found[0] if found else {"name": "", "title": "", "signature": None}


def _image(path) -> str | None:
    if not path:
        return None
    try:
        return image_data_url(path)
    except (OSError, ValueError):
        return None


def _logo() -> str | None:
    return _image(current_app.config.get("CERTIFICATE_LOGO") or LOGO)


def _date(day: date, language: str) -> str:
    return format_date(day, "long", locale=language)


def letter_html(application: Application, language: str, today: date | None = None) -> str:
    words = LETTERS[language]
    session = application.session
    name = application.passport_name.strip() or application.user.name
    nationality = application.nationality or application.country or application.user.country
    country = country_name(nationality, language) if nationality else ""
    facts = {"name": name, "country": country, "title": session.title, "place": session.place or "Kubuqi",
             "starts": _date(session.starts_on, language), "ends": _date(session.ends_on, language),
             "costs": _costs(language)}
    return current_app.jinja_env.get_template("admissions/invitation_pdf.html").render(
        w=words, f=facts, lang=language, dir=words["dir"], reference=reference(application),
        issued=_date(today or date.today(), language), signatory=signatory(), logo=_logo(),
        invite=words["invite"].format(**facts), costs=words["costs"].format(**facts))


def render_letter(application: Application, language: str, today: date | None = None) -> Letter:
    """The letter as a PDF; nothing is fetched (NothingFromOutside), fonts are the system's."""
    fonts = FontConfiguration()
    html = HTML(string=letter_html(application, language, today), url_fetcher=NothingFromOutside())
    pdf = html.write_pdf(stylesheets=[CSS(string=STYLESHEET.read_text(), font_config=fonts)], font_config=fonts)
    return Letter(pdf, f"invitation-{reference(application)}-{language}.pdf")
