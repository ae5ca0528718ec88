"""The rules of accounts, partners and API tokens.

Plain arguments in, domain errors out; ``flush()`` only, the caller commits.
"""

import csv
import hashlib
import secrets
import unicodedata
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from ..database import utcnow
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..extensions import db
from ..notifications.kinds import optional_for
from ..timezones import is_timezone
from .countries import COUNTRY_CODES
from .models import UNUSABLE_PASSWORD, ApiToken, Partner, PartnerKind, PasswordToken, Role, User, UserRole
from .notices import tell_old_address
from .session_user import load_token_user

PARTNERS_CSV = Path(__file__).with_name("partners.csv")


# ---------------------------------------------------------------- validation


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _check_email(email: str, details: list[dict]) -> str:
    email = normalise_email(email)
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        details.append({"field": "email", "message": _("Not a valid email address: %(reason)s", reason=str(exc))})
    return email


def _check_password(password: str, details: list[dict], field: str = "password") -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if not isinstance(password, str) or len(password) < minimum:
        details.append(
            {"field": field, "message": _("The password must have at least %(n)s characters.", n=minimum)}
        )
    elif len(password) > 200:
        details.append({"field": field, "message": _("The password is too long.")})


# Joiners that Persian, Arabic and Indic names need; every other invisible format character
# (bidi overrides and isolates above all, which can make a name read as another) is refused.
NAME_JOINERS = {"\u200c", "\u200d"}


def hidden_characters(text: str) -> list[str]:
    """The control and invisible format characters in ``text`` (as U+XXXX), joiners aside."""
    return [f"U+{ord(c):04X}" for c in text
            if c not in NAME_JOINERS and unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")]


def _check_name(name: str | None, details: list[dict]) -> str:
    name = (name or "").strip() if isinstance(name, str) else ""
    hidden = hidden_characters(name)
    if not name:
        details.append({"field": "name", "message": _("A name is required.")})
    elif len(name) > 200:
        details.append({"field": "name", "message": _("The name is too long (200 characters).")})
    elif hidden:
        details.append({"field": "name", "message": _(
            "The name holds invisible or control characters (%(c)s); type it again without them.",
            c=", ".join(sorted(set(hidden))))})
    return name


def _check_country(country: str | None, details: list[dict]) -> str | None:
    if not country:
        return None
    code = str(country).strip().upper()
    if code not in COUNTRY_CODES:
        details.append({"field": "country", "message": _("Unknown country code: %(code)s", code=country)})
    return code


def _check_roles(roles: Iterable[str], details: list[dict]) -> set[str]:
    roles = set(roles or ())
    unknown = sorted(r for r in roles if r not in set(Role))
    if unknown:
        details.append({"field": "roles", "message": _("Unknown role: %(roles)s", roles=", ".join(unknown))})
    if not roles:
        details.append({"field": "roles", "message": _("At least one role is required.")})
    return roles


def _check_partner(code: str | None, details: list[dict]) -> Partner | None:
    if not code:
        return None
    partner = partner_by_code(code)
    if partner is None:
        details.append({"field": "partner", "message": _("Unknown partner: %(code)s", code=code)})
    return partner


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


# UNUSABLE_PASSWORD (models) is an invited account's password until its link is used:
# check_password_hash matches nothing against it (and hashing a throwaway password with
# scrypt would cost a CSV enrolment 0.2 s a fellow).


# --------------------------------------------------------------------- users


def user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def users_by_email(emails: Iterable[str]) -> dict[str, User]:
    """The accounts of these emails, keyed by the emails as given; one query per thousand."""
    given = {e: normalise_email(e) for e in emails}
    wanted = sorted(set(given.values()))
    found: dict[str, User] = {}
    for start in range(0, len(wanted), 1000):  # under every backend's limit of parameters
        found.update((u.email, u) for u in db.session.scalars(
            sa.select(User).where(User.email.in_(wanted[start:start + 1000]))).unique())
    return {e: found[n] for e, n in given.items() if n in found}


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such user."))
    return user


def create_user(
    email: str,
    name: str | None,
    password: str,
    roles: Iterable[str] = (Role.TRAINEE,),
    partner: str | None = None,
    country: str | None = None,
    locale: str | None = None,
) -> User:
    """Create an account after checking every field; a duplicate email (any case) conflicts."""
    details: list[dict] = []
    email = _check_email(email, details)
    name = _check_name(name, details)
    _check_password(password, details)
    roles = _check_roles(roles, details)
    partner_row = _check_partner(partner, details)
    country = _check_country(country, details)
    if details:
        raise Invalid(details=details)
    if user_by_email(email) is not None:
        raise Conflict(_("An account with this email already exists."), details=[{"field": "email"}])
    user = User(
        email=email,
        name=name,
        password_hash=hash_password(password),
        partner=partner_row,
        country=country,
        locale=locale,
        role_rows=[UserRole(role=r) for r in sorted(roles)],
    )
    db.session.add(user)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError as exc:  # a concurrent registration won the race
        raise Conflict(_("An account with this email already exists.")) from exc
    return user


def register_trainee(email: str, name: str, password: str, country: str | None = None,
                     locale: str | None = None) -> User:
    """Self-registration: always and only the trainee role, in the language the visitor chose
    (kept only if the platform speaks it)."""
    return create_user(email, name, password, roles=(Role.TRAINEE,), country=country,
                       locale=locale if is_supported_locale(locale) else None)


def is_supported_locale(code: str | None) -> bool:
    return bool(code) and code in current_app.config["LANGUAGES"]


def choose_locale(user: User, code: str) -> User:
    """The interface language a user chose, kept on their profile."""
    if not is_supported_locale(code):
        raise Invalid(details=[{"field": "locale", "message": _("Unsupported language: %(code)s", code=code)}])
    user.locale = code
    db.session.flush()
    return user


# A hash to check against when the email is unknown, so both cases take as long.
_dummy_hash: dict[str, str] = {}


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None, in the same time either way."""
    user = user_by_email(email)
    if user is None or user.password_hash == UNUSABLE_PASSWORD:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        if method not in _dummy_hash:
            _dummy_hash[method] = generate_password_hash(secrets.token_hex(8), method=method)
        check_password_hash(_dummy_hash[method], password or "")
        return None
    if not check_password_hash(user.password_hash, password or ""):
        return None
    return user if user.active else None


def update_profile(user: User, name: str, country: str | None, locale: str | None,
                   timezone: str | None = None, wanted_emails: Iterable[str] | None = None) -> User:
    """``timezone`` ``None`` or empty: the country's (``timezones.timezone_of``).
    ``wanted_emails``: the optional emails of the user's roles they want (None keeps the choice)."""
    details: list[dict] = []
    name = _check_name(name, details)
    country = _check_country(country, details)
    if locale and not is_supported_locale(locale):
        details.append({"field": "locale", "message": _("Unsupported language: %(code)s", code=locale)})
    if timezone and not is_timezone(timezone):
        details.append({"field": "timezone", "message": _("Unknown time zone: %(zone)s", zone=timezone)})
    if details:
        raise Invalid(details=details)
    user.name, user.country, user.locale = name, country, locale or None
    user.timezone = timezone or None
    if wanted_emails is not None:
        wanted = set(wanted_emails)
        user.email_optout = sorted(kind for kind, _label in optional_for(user) if kind not in wanted)
    db.session.flush()
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Change the password; every other login session and every API token ends."""
    details: list[dict] = []
    if not check_password_hash(user.password_hash, current or ""):
        details.append({"field": "current_password", "message": _("The current password is wrong.")})
    _check_password(new, details, field="new_password")
    if details:
        raise Invalid(details=details)
    user.password_hash = hash_password(new)
    user.session_version += 1
    revoke_all_tokens(user)
    db.session.flush()


def search_users(query: str = "", page: int = 1, per_page: int = 50):
    """Users whose email or name contains ``query``, newest first, one page."""
    stmt = sa.select(User).order_by(User.created_at.desc(), User.id.desc())
    if query:
        like = f"%{query.strip().lower()}%"
        stmt = stmt.where(sa.or_(User.email.like(like), sa.func.lower(User.name).like(like)))
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def update_user(
    admin: User,
    user: User,
    roles: Iterable[str],
    partner: str | None,
    active: bool,
    name: str | None = None,
    email: str | None = None,
) -> User:
    """An admin edits a user's roles, partner and active flag, and corrects their name and
    email (``None`` keeps them). A changed email is told to the old address, so a person
    whose account was moved away learns of it."""
    details: list[dict] = []
    roles = _check_roles(roles, details)
    partner_row = _check_partner(partner, details)
    new_name = _check_name(name, details) if name is not None else user.name
    new_email = _check_email(email, details) if email is not None else user.email
    if details:
        raise Invalid(details=details)
    if new_email != user.email and user_by_email(new_email) is not None:
        raise Conflict(_("An account with this email already exists."), details=[{"field": "email"}])
    if user.id == admin.id and (Role.ADMIN not in roles or not active):
        # Nobody locks themselves out; another admin must do it.
        raise Forbidden(_("You cannot remove your own admin role or deactivate yourself."))
    current = {r.role: r for r in user.role_rows}
    for role in set(current) - roles:
        user.role_rows.remove(current[role])
    for role in sorted(roles - set(current)):
        user.role_rows.append(UserRole(role=role))
    user.partner = partner_row
    if user.active and not active:
        user.session_version += 1  # ends the deactivated user's sessions
        revoke_all_tokens(user)
    user.active = active
    user.name = new_name
    if new_email != user.email:
        tell_old_address(user, user.email, new_email)
        user.email = new_email
    db.session.flush()
    return user


# ------------------------------------------------------------------ partners


def partner_by_code(code: str) -> Partner | None:
    return db.session.scalar(sa.select(Partner).where(Partner.code == (code or "").strip().upper()))


def partners_by_code(codes: Iterable[str]) -> dict[str, Partner]:
    """The partners of these codes (any case), keyed by the codes as given, in one query."""
    given = {c: (c or "").strip().upper() for c in codes}
    wanted = sorted(set(given.values()) - {""})
    found = {p.code: p for p in db.session.scalars(sa.select(Partner).where(Partner.code.in_(wanted)))} \
        if wanted else {}
    return {c: found[n] for c, n in given.items() if n in found}


def get_partner(partner_id: int) -> Partner:
    partner = db.session.get(Partner, partner_id)
    if partner is None:
        raise NotFound(_("No such partner."))
    return partner


def list_partners() -> list[Partner]:
    return list(db.session.scalars(sa.select(Partner).order_by(Partner.code)))


def _check_partner_fields(code: str, name: str, country: str | None, kind: str) -> tuple:
    details: list[dict] = []
    code = (code or "").strip().upper()
    if not code or len(code) > 20 or not all(c.isalnum() or c == "-" for c in code):
        details.append(
            {"field": "code", "message": _("A code of up to 20 letters, digits or '-' is required.")}
        )
    name = (name or "").strip()
    if not name:
        details.append({"field": "name", "message": _("A name is required.")})
    elif len(name) > 200:
        details.append({"field": "name", "message": _("The name is too long (200 characters).")})
    country = _check_country(country, details)
    if not country:
        details.append({"field": "country", "message": _("A country is required.")})
    if kind not in set(PartnerKind):
        details.append({"field": "kind",
                        "message": _("Kind must be one of %(kinds)s.", kinds=", ".join(PartnerKind))})
    if details:
        raise Invalid(details=details)
    return code, name, country, kind


def create_partner(code: str, name: str, country: str, kind: str) -> Partner:
    code, name, country, kind = _check_partner_fields(code, name, country, kind)
    if partner_by_code(code) is not None:
        raise Conflict(_("A partner with code %(code)s already exists.", code=code), details=[{"field": "code"}])
    partner = Partner(code=code, name=name, country=country, kind=kind)
    db.session.add(partner)
    db.session.flush()
    return partner


def update_partner(partner: Partner, name: str, country: str, kind: str) -> Partner:
    """Edit a partner; its code is its identity in bundles and stays as it is."""
    _, name, country, kind = _check_partner_fields(partner.code, name, country, kind)
    partner.name, partner.country, partner.kind = name, country, kind
    db.session.flush()
    return partner


def load_partners(path: Path = PARTNERS_CSV) -> int:
    """Add the partners of a CSV (code,name,country,kind) that are missing; returns how many."""
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    added = 0
    for row in rows:
        if partner_by_code(row["code"]) is None:
            create_partner(row["code"], row["name"], row["country"], row["kind"])
            added += 1
    return added


# ---------------------------------------------------------------- API tokens


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(user: User, name: str = "", days: int | None = None) -> tuple[str, ApiToken]:
    """A new bearer token; the raw value is returned once and only its hash is kept."""
    raw = secrets.token_urlsafe(32)
    days = days or current_app.config["API_TOKEN_DAYS"]
    token = ApiToken(
        user_id=user.id,
        token_hash=_digest(raw),
        name=(name or "").strip()[:100],
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    return raw, token


def user_for_token(raw: str):
    """The active user a usable token belongs to (read-only, as a page's: ``record`` is
    the row), or None."""
    return load_token_user(_digest(raw)) if raw else None


def tokens_of(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            sa.select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def revoke_token(user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(_("No such token."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
    return token


def revoke_all_tokens(user: User) -> None:
    db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


# ------------------------------------------------------------ password links

PASSWORD_LINK_DAYS = 14


def invite_user(email: str, name: str, roles: Iterable[str] = (Role.TRAINEE,),
                partner: str | None = None, country: str | None = None) -> tuple[User, str]:
    """An account without a usable password, and the raw token of a link to set one."""
    return invite_users([{"email": email, "name": name, "partner": partner, "country": country}], roles)[0]


def invite_users(people: Iterable[dict], roles: Iterable[str] = (Role.TRAINEE,)) -> list[tuple[User, str]]:
    """Accounts without a usable password, each with the raw token of a link to set one.

    ``people`` are dicts of email, name, partner (a code or nothing) and country. Every
    field of everyone is checked as ``create_user`` checks it, then all are written in one
    flush: a CSV of 400 fellows runs the same few queries as one fellow.
    """
    people = list(people)
    details: list[dict] = []
    roles = _check_roles(roles, details)
    partners = partners_by_code(p.get("partner") or "" for p in people)
    checked = []
    for person in people:
        code = person.get("partner") or ""
        if code and code not in partners:
            details.append({"field": "partner", "message": _("Unknown partner: %(code)s", code=code)})
        checked.append((_check_email(person["email"], details), _check_name(person["name"], details),
                        partners.get(code), _check_country(person.get("country"), details)))
    if details:
        raise Invalid(details=details)
    emails = [email for email, *_rest in checked]
    if len(set(emails)) < len(emails) or users_by_email(emails):
        raise Conflict(_("An account with this email already exists."), details=[{"field": "email"}])
    users = [User(email=email, name=name, password_hash=UNUSABLE_PASSWORD, partner=partner, country=country,
                  role_rows=[UserRole(role=r) for r in sorted(roles)])
             for email, name, partner, country in checked]
    db.session.add_all(users)
    tokens = [issue_password_token(user) for user in users]
    try:
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError as exc:  # a concurrent registration won the race
        raise Conflict(_("An account with this email already exists.")) from exc
    return list(zip(users, tokens, strict=True))


def issue_password_token(user: User, lifetime: timedelta = timedelta(days=PASSWORD_LINK_DAYS)) -> str:
    """The raw token of a one-time link to set a password (only its digest is kept)."""
    raw = secrets.token_urlsafe(32)
    db.session.add(PasswordToken(user=user, token_hash=_digest(raw), expires_at=utcnow() + lifetime))
    return raw


def password_token_user(raw: str) -> User:
    token = db.session.scalar(sa.select(PasswordToken).where(PasswordToken.token_hash == _digest(raw or "")))
    if token is None or token.used_at is not None or token.expires_at <= utcnow():
        raise NotFound(_("This link is not valid any more. Ask the institute for a new one."))
    return token.user


def set_password_with_token(raw: str, password: str) -> User:
    """Use a one-time link: set the password and spend every link of the user; their other
    login sessions and API tokens end (a forgotten password may be a stolen one)."""
    user = password_token_user(raw)
    details: list[dict] = []
    _check_password(password, details)
    if details:
        raise Invalid(details=details)
    user.password_hash = hash_password(password)
    user.session_version += 1
    revoke_all_tokens(user)
    db.session.execute(sa.update(PasswordToken).where(PasswordToken.user_id == user.id,
                                                      PasswordToken.used_at.is_(None))
                       .values(used_at=utcnow()))
    db.session.flush()
    return user
