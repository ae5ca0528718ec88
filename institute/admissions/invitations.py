"""Invitation letters for the visa: a confirmed fellow's letter to the embassy or
consulate of the People's Republic of China, as a PDF made with WeasyPrint.

The letter is written in English, Chinese or Arabic (``LETTERS``; not the interface's
catalogues: its words are the institute's, fixed, whatever language the reader browses
in), on the institute's letterhead (CERTIFICATE_LOGO), signed by INVITATION_SIGNATORY
(else the first of CERTIFICATE_SIGNATORIES), saying who pays (INVITATION_COSTS). It is
rendered inside its language (force_locale: dates and country names in it), and laid out
in that language's text direction (``text_direction``: Arabic right to left, with Noto
Naskh Arabic first), as certificates are; the fellow's name, the session's title and
place and the reference keep their own direction inside the sentences (<bdi>). Fonts come
from the system (Noto Sans, Noto Naskh Arabic, Noto Sans CJK) and nothing is fetched
from the network, as for certificates.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from babel.dates import format_date
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from ..accounts.countries import country_name
from ..accounts.models import User
from ..certificates.pdf import LOGO, NothingFromOutside, image_data_url
from ..certificates.services import signatories
from ..errors import Conflict, Invalid
from ..i18n import text_direction
from ..training import services as training
from ..training.models import Application
from .offers import is_confirmed

STYLESHEET = Path(__file__).with_name("invitation.css")
LANGUAGES = ("en", "zh", "ar")

# Who pays, when INVITATION_COSTS does not say: a text per language (or one text for all).
DEFAULT_COSTS = {
    "en": "international travel, accommodation, meals and training fees",
    "zh": "国际往返旅费、住宿费、餐费和培训费",
    "ar": "تكاليف السفر الدولي والإقامة والوجبات ورسوم التدريب",
}

# The letter's words per language; its direction is the language's (text_direction).
LETTERS: dict[str, dict[str, str]] = {
    "en": {
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
    "ar": {
        "institute": "معهد كوبوتشي العالمي للصحراء",
        "address": "صحراء كوبوتشي، أوردوس، منغوليا الداخلية، جمهورية الصين الشعبية",
        "heading": "رسالة دعوة",
        "to": "إلى سفارة جمهورية الصين الشعبية أو قنصليتها العامة",
        "reference": "الرقم المرجعي",
        "date": "التاريخ",
        "salutation": "السادة المحترمون،",
        "invite": "يسرّ معهد كوبوتشي العالمي للصحراء أن يدعو {name}، من مواطني {country}، "
                  "للمشاركة في دورته التدريبية «{title}» التي تُعقد في {place}، "
                  "جمهورية الصين الشعبية، من {starts} إلى {ends}.",
        "costs": "يتحمّل المعهد {costs} طوال مدة الدورة.",
        "passport": "الاسم كما في جواز السفر",
        "nationality": "الجنسية",
        "session": "الدورة التدريبية",
        "dates": "التواريخ",
        "place": "المكان",
        "request": "نرجو التكرّم بمنح تأشيرة لهذه الزيارة. وإن احتجتم إلى أي معلومات إضافية، "
                   "فلا تترددوا في التواصل مع المعهد.",
        "closing": "وتفضّلوا بقبول فائق الاحترام والتقدير،",
    },
}


@dataclass
class Letter:
    pdf: bytes
    filename: str


def letter_language(requested: str | None, user: User | None) -> str:
    """The language asked for (en, zh or ar); else the reader's interface language when
    it is one of the letter's; else English. Another language asked for is refused."""
    if requested in LANGUAGES:
        return str(requested)
    if requested:
        raise Invalid(details=[{"field": "lang", "message": _("The letter is written in en, zh or ar.")}])
    locale = str(getattr(user, "locale", "") or "").replace("-", "_").split("_")[0]
    return locale if locale in LANGUAGES else "en"


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
    """The letter's page, rendered inside its language and laid out in its direction."""
    with force_locale(language):
        return _letter_html(application, language, today)


def _isolated(value: str) -> Markup:
    return Markup("<bdi>{}</bdi>").format(value)


def _letter_html(application: Application, language: str, today: date | None) -> str:
    words = LETTERS[language]
    session = application.session
    name = application.passport_name.strip() or application.user.name
    nationality = application.nationality or application.country or application.user.country
    country = country_name(nationality, language) if nationality else ""
    facts = {"name": name, "country": country, "title": session.title, "place": session.place or "Kubuqi",
             "starts": _date(session.starts_on, language), "ends": _date(session.ends_on, language),
             "costs": _costs(language)}
    # In the sentences, the fellow's, the session's and the place's names are isolated:
    # a Latin or Cyrillic name in an Arabic sentence keeps its own order (and the other way).
    # A date is not broken over two lines ("21 | فبراير 2027").
    isolated = {**facts, **{key: _isolated(facts[key]) for key in ("name", "title", "place")},
                **{key: Markup('<span class="date">{}</span>').format(facts[key]) for key in ("starts", "ends")}}
    return current_app.jinja_env.get_template("admissions/invitation_pdf.html").render(
        w=words, f=facts, lang=language, dir=text_direction(language), reference=reference(application),
        issued=_date(today or date.today(), language), signatory=signatory(), logo=_logo(),
        invite=Markup.escape(words["invite"]).format(**isolated),
        costs=Markup.escape(words["costs"]).format(**facts))


def render_letter(application: Application, language: str, today: date | None = None) -> Letter:
    """The letter as a PDF; nothing is fetched (NothingFromOutside), fonts are the system's."""
    fonts = FontConfiguration()
    html = HTML(string=letter_html(application, language, today), url_fetcher=NothingFromOutside())
    pdf = html.write_pdf(stylesheets=[CSS(string=STYLESHEET.read_text(), font_config=fonts)], font_config=fonts)
    return Letter(pdf, f"invitation-{reference(application)}-{language}.pdf")
