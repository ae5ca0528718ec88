"""Dashboards as work queues: what waits for this person, counted, each item a link to the
page where it is done. Each domain says what waits in it (and checks who may see it);
this module only gathers the queues of the person's roles."""

from dataclasses import dataclass, field

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from ..assignments.services import to_grade
from ..certificates.queue import sessions_to_certify
from ..courses.services import drafts_of, review_queue, sent_back
from ..discussion.services import unread_by_session
from ..exchanges.services import awaiting as exchanges_awaiting
from ..notifications.services import failed_count
from ..quizzes.attempts import pending_essays
from ..training.services import grading_scope, sessions_awaiting_decisions

SHOWN = 5  # items listed per queue; the count and the queue's own page say the rest


@dataclass
class Queue:
    key: str
    title: str
    url: str
    count: int = 0
    items: list[tuple[str, str]] = field(default_factory=list)  # (label, url)
    grouped: bool = False  # the items group what the count counts (posts by session): no "All n"


def _exchange_label(exchange) -> str:
    return _("%(teacher)s: %(home)s → %(host)s, %(start)s", teacher=exchange.teacher.name,
             home=exchange.home.code, host=exchange.host.code, start=exchange.starts_on.isoformat())


def queues_of(user) -> list[Queue]:
    """The person's queues, those with something waiting first; roles they lack add none."""
    queues: list[Queue] = []
    if user.has_role("admin"):
        waiting = sessions_awaiting_decisions()
        queues.append(Queue("applications", _("Applications to decide"), url_for("training.admin_sessions"),
                            sum(n for _s, n in waiting),
                            [(ngettext("%(t)s: %(num)s application", "%(t)s: %(num)s applications", n, t=s.title),
                              url_for("admissions.applications", session_id=s.id)) for s, n in waiting[:SHOWN]]))
        ready = sessions_to_certify()
        queues.append(Queue("certificates", _("Sessions ready for certificates"),
                            url_for("training.admin_sessions"), len(ready),
                            [(s.title, url_for("certificates.session_certificates", session_id=s.id))
                             for s in ready[:SHOWN]]))
        failed = failed_count()
        queues.append(Queue("failed-mail", _("Emails that could not be sent"), url_for("notifications.outbox"),
                            failed))
    if user.has_role("admin", "partner"):
        exchanges = exchanges_awaiting(user)
        title = _("Exchanges waiting for your approval") if user.has_role("admin") else \
            _("Exchanges waiting for your confirmation")
        queues.append(Queue("exchanges", title, url_for("exchanges.index"), len(exchanges),
                            [(_exchange_label(e), url_for("exchanges.detail", exchange_id=e.id))
                             for e in exchanges[:SHOWN]]))
    if user.has_role("partner") and user.partner_id:
        drafts = drafts_of(user.partner_id)
        back = sent_back([c.id for c in drafts])
        queues.append(Queue("drafts", _("Your institution's drafts"), url_for("courses.catalogue", drafts="1"),
                            len(drafts), [(_("%(t)s: changes requested", t=c.latest.title) if c.id in back
                                           else c.latest.title, url_for("courses.course", slug=c.slug))
                                          for c in drafts[:SHOWN] if c.latest]))
    if user.has_role("admin", "instructor"):
        reviews = review_queue()
        queues.append(Queue("reviews", _("Revisions waiting for review"), url_for("courses.review"), len(reviews),
                            [(c.latest.title, url_for("courses.diff", slug=c.slug, number=c.latest.number))
                             for c in reviews[:SHOWN] if c.latest]))
    scope = grading_scope(user)
    if scope is None or scope:  # admins and instructors grade all, guest teachers their cohort
        essays = pending_essays(scope)
        queues.append(Queue("essays", _("Essays to grade"), url_for("quizzes.grading"), len(essays),
                            [(f"{a.user.name} — {a.quiz.title}", url_for("quizzes.attempt", attempt_id=a.id))
                             for a, _q in essays[:SHOWN]]))
    if scope is None or scope:
        # Grouped by session: each session's list of work to grade is a page of its own.
        by_session: dict[int, list] = {}
        for submission in to_grade(user):
            by_session.setdefault(submission.session_id, []).append(submission)
        groups = list(by_session.values())
        if groups:
            queues.append(Queue("submissions", _("Assignments to grade"),
                                url_for("assignments.session_queue", session_id=groups[0][0].session_id),
                                sum(len(g) for g in groups),
                                [(ngettext("%(t)s: %(num)s to grade", "%(t)s: %(num)s to grade", len(g),
                                           t=g[0].session.title),
                                  url_for("assignments.session_queue", session_id=g[0].session_id))
                                 for g in groups[:SHOWN]], grouped=len(groups) <= SHOWN))
    # Only when there is news: a fellow whose discussions are quiet has nothing waiting.
    busy = [(s, n) for s, n in unread_by_session(user) if n]
    if busy:
        queues.append(Queue("discussion", _("New posts in your sessions' discussions"),
                            url_for("discussion.forum", session_id=busy[0][0].id),
                            sum(n for _s, n in busy),
                            [(ngettext("%(t)s: %(num)s new post", "%(t)s: %(num)s new posts", n, t=s.title),
                              url_for("discussion.forum", session_id=s.id)) for s, n in busy[:SHOWN]],
                            grouped=len(busy) <= SHOWN))
    return sorted(queues, key=lambda q: q.count == 0)
