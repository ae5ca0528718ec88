"""The module page's HTML: from a skeleton kept per worker, or rendered in full.

A module page is the same for every reader of one revision in one language with
the same roles, but for its holes: the CSRF token, the reader's name and the
outline's ticks. Reading is what fellows do most, so the page is rendered once
with holes (``templating.Skeletons``) and each request only fills them in.
"""

from datetime import date

from flask import current_app, render_template, request
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from markupsafe import escape

from ..templating import NamedByHole, Skeletons, hole, skeletons_apply
from .services import ModulePage

DONE_MARK = " ✓"
_skeletons = Skeletons()


def module_html(page: ModulePage, user) -> str:
    done = page.done
    if not skeletons_apply(current_app):
        return render_template("courses/module.html", page=page, done=done,
                               done_mark=lambda slug: DONE_MARK if slug in done else "")
    here_done = page.module.slug in done  # decides the "done" tag and the form: in the key
    # With the roles and the language, the key holds all that base.html reads.
    key = (page.content.revision_id, page.module.slug, page.is_published, here_done,
           str(get_locale()), frozenset(user.roles), request.full_path, date.today().year)
    values = {"csrf": generate_csrf(), "name": escape(user.name)}
    values.update((f"done-{slug}", DONE_MARK if slug in done else "")
                  for slug, _title in page.content.outline)
    return _skeletons.page(key, lambda: render_template(
        "courses/module.html", page=page, done={page.module.slug} if here_done else set(),
        done_mark=lambda slug: hole(f"done-{slug}"), user=NamedByHole(user),
        csrf_token=lambda: hole("csrf")), values)
