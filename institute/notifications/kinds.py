"""The emails a person may choose not to get; every other email is always sent (it says
something they must know or act on: a decision, a link, a certificate)."""

from flask_babel import lazy_gettext as _l

# kind → (what the profile's checkbox says, the roles it concerns; empty: everyone)
OPTIONAL = {
    "application-received": (_l("My application was received"), ("trainee",)),
    "essay-graded": (_l("An essay of mine was graded"), ("trainee",)),
    "revision-review": (_l("A course revision waits for review"), ("instructor", "admin")),
    "revision-published": (_l("A revision of my institution's course was published"), ("partner",)),
    "withdrawal": (_l("A fellow withdrew from a session"), ("admin",)),
}


def optional_for(user) -> list[tuple[str, str]]:
    """(kind, label) of the optional emails that concern the user's roles."""
    return [(kind, str(label)) for kind, (label, roles) in OPTIONAL.items()
            if not roles or user.has_role(*roles)]


def wants(user, kind: str) -> bool:
    return kind not in OPTIONAL or kind not in (getattr(user, "email_optout", None) or [])
