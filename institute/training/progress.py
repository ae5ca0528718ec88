"""Progress and completion: the rule of DESIGN §3 in one place.

A fellow completes a session when every module of its courses is marked done
and every quiz of its courses is passed. Certificates use ``completion``;
pages use ``cohort_progress``. The whole cohort is computed in a fixed number
of queries, whatever its size.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

import sqlalchemy as sa

from ..accounts.models import User
from ..courses.models import CourseRevision, Module, Quiz
from ..courses.translations import done_marks
from ..extensions import db
from ..quizzes.models import key_of
from ..quizzes.results import quiz_results
from .models import Application, ApplicationStatus, TrainingSession


class MissingKind(StrEnum):
    """Why a fellow has not completed a session (not stored)."""

    MODULE = "module"  # a module not marked done
    QUIZ = "quiz"  # a quiz not passed
    ESSAY = "essay"  # a quiz whose essays wait for a grade
    NO_COURSE = "no-course"  # the session has no course
    ATTENDANCE = "attendance"  # below the session's required attendance (best: the share, pass_mark: required)
    ASSIGNMENT = "assignment"  # an assignment not passed (best: its points, pass_mark: the points needed)
    ASSIGNMENT_PENDING = "assignment-pending"  # an assignment submitted, waiting for a grade


@dataclass(frozen=True)
class Missing:
    """One reason a fellow has not completed, as data: what is missing, by title, with the
    quiz's best score and pass mark; ``labels.missing_text`` puts it in words."""

    kind: str
    course: str = ""  # the course's title
    title: str = ""  # the module's or quiz's title
    best: float | None = None  # best percent of a submitted attempt, if any
    pass_mark: float | None = None


@dataclass
class CourseProgress:
    slug: str
    title: str
    modules: list[tuple[str, str]]  # (slug, title) in order
    done: set[str]
    quizzes: list[tuple[int, str]]  # (id, title)
    passed: set[int]
    pending: set[int] = field(default_factory=set)  # quizzes whose essays wait for a grade
    pass_marks: dict[int, float] = field(default_factory=dict)  # by quiz id
    best: dict[int, float] = field(default_factory=dict)  # the fellow's best percent, by quiz id
    # The slugs of ``modules`` and the ids of ``quizzes``: one set per course of a session,
    # shared by its whole cohort (``_progress`` builds them once).
    module_slugs: frozenset[str] = field(kw_only=True, repr=False)
    quiz_ids: frozenset[int] = field(kw_only=True, repr=False)

    # Cached, as FellowProgress's counts: progress is read, never changed, once built; a
    # cohort page asks each fellow's several times.
    @cached_property
    def complete(self) -> bool:
        return self.done >= self.module_slugs and self.passed >= self.quiz_ids

    @property
    def next_module(self) -> tuple[str, str] | None:
        return next(((s, t) for s, t in self.modules if s not in self.done), None)


@dataclass(frozen=True)
class Standing:
    """Where a fellow stands with a requirement another domain adds (attendance: the share
    attended, of the share required); ``met`` says whether it counts as fulfilled."""

    kind: str
    value: float | None
    required: float
    met: bool
    title: str = ""  # what the requirement is about (an assignment's title), if one of several
    course: str = ""  # its course's title


@dataclass
class FellowProgress:
    user: User
    application: Application
    courses: list[CourseProgress] = field(default_factory=list)
    requirements: list[Standing] = field(default_factory=list)

    # Each count computed on first reading, once its courses and requirements are in
    # (``_progress`` adds them before returning): pages read each several times per fellow.
    @cached_property
    def modules_total(self) -> int:
        return sum(len(c.modules) for c in self.courses)

    @cached_property
    def modules_done(self) -> int:
        return sum(len(c.done & c.module_slugs) for c in self.courses)

    @cached_property
    def quizzes_total(self) -> int:
        return sum(len(c.quizzes) for c in self.courses)

    @cached_property
    def quizzes_passed(self) -> int:
        return sum(len(c.passed & c.quiz_ids) for c in self.courses)

    @cached_property
    def completed(self) -> bool:
        return bool(self.courses) and all(c.complete for c in self.courses) and \
            all(r.met for r in self.requirements)

    def requirement(self, kind: str) -> Standing | None:
        return next((r for r in self.requirements if r.kind == kind), None)

    @cached_property
    def percent(self) -> int:
        total = self.modules_total + self.quizzes_total
        return round(100 * (self.modules_done + self.quizzes_passed) / total) if total else 0

    @property
    def missing(self) -> list[Missing]:
        """Why the fellow has not completed: for certificates' ineligibility reasons."""
        if not self.courses:
            return [Missing(MissingKind.NO_COURSE)]
        reasons = []
        for course in self.courses:
            for slug, title in course.modules:
                if slug not in course.done:
                    reasons.append(Missing(MissingKind.MODULE, course.title, title))
            for quiz_id, title in course.quizzes:
                if quiz_id in course.passed:
                    continue
                kind = MissingKind.ESSAY if quiz_id in course.pending else MissingKind.QUIZ
                reasons.append(Missing(kind, course.title, title, course.best.get(quiz_id),
                                       course.pass_marks.get(quiz_id)))
        reasons += [Missing(r.kind, r.course, r.title, best=r.value, pass_mark=r.required)
                    for r in self.requirements if not r.met]
        return reasons


# Requirements that higher domains add to completion (the schedule's attendance): each is
# a function (sessions, applications) → {application id: [Standing]}, registered when its
# domain is imported, as quizzes.roster is. Each answers in a fixed number of statements.
Requirement = Callable[[list[TrainingSession], list[Application]], dict[int, list[Standing]]]
_REQUIREMENTS: list[Requirement] = []


def register_requirement(requirement: Requirement) -> None:
    if requirement not in _REQUIREMENTS:
        _REQUIREMENTS.append(requirement)


def _course_outlines(sessions: list[TrainingSession]) -> tuple[dict[int, list[tuple]], dict[int, str]]:
    """Each session's courses with their published titles, modules and quizzes; and each
    quiz's key (``quiz_key``), read with them, for its results."""
    courses = [link.course for session in sessions for link in session.course_links]
    revision_ids = sorted({c.published_revision_id for c in courses if c.published_revision_id})
    modules: dict[int | None, list[tuple[str, str]]] = {r: [] for r in revision_ids}
    for revision_id, slug, title in db.session.execute(
            sa.select(Module.revision_id, Module.slug, Module.title)
            .where(Module.revision_id.in_(revision_ids)).order_by(Module.position)):
        modules[revision_id].append((slug, title))
    quizzes: dict[int | None, list[tuple[int, str, float]]] = {r: [] for r in revision_ids}
    keys: dict[int, str] = {}
    for revision_id, quiz_id, title, pass_mark, course_id, file in db.session.execute(
            sa.select(Quiz.revision_id, Quiz.id, Quiz.title, Quiz.pass_mark, CourseRevision.course_id, Quiz.file)
            .join(CourseRevision, CourseRevision.id == Quiz.revision_id)
            .where(Quiz.revision_id.in_(revision_ids)).order_by(Quiz.id)):
        quizzes[revision_id].append((quiz_id, title, pass_mark))
        keys[quiz_id] = key_of(course_id, file)
    titles: dict[int | None, str] = {revision_id: title for revision_id, title in db.session.execute(
        sa.select(CourseRevision.id, CourseRevision.title).where(CourseRevision.id.in_(revision_ids)))}
    return {session.id: [(c, titles.get(c.published_revision_id, c.slug), modules.get(c.published_revision_id, []),
                          quizzes.get(c.published_revision_id, []))
                         for c in (link.course for link in session.course_links)]
            for session in sessions}, keys


def _progress(sessions: list[TrainingSession], applications: list[Application]) -> dict[int, list[FellowProgress]]:
    """The progress of each accepted application, by session: the same fixed number of
    statements for one session or many, one fellow or a whole cohort."""
    outlines, keys = _course_outlines(sessions)
    fellow_ids = sorted({a.user_id for a in applications})
    # Done marks by (fellow, course), made in the course or in any of its translations.
    done = done_marks(fellow_ids, {c.id: c for outline in outlines.values() for c, *_ in outline}.values())
    quiz_ids = sorted({q for outline in outlines.values() for *_, quizzes in outline for q, _t, _p in quizzes})
    passed, pending, best = quiz_results(fellow_ids, quiz_ids, keys)
    # What every fellow of a session shares, built once per session, not once per fellow.
    shared = {session_id: [(course.slug, course.id, title, modules, frozenset(s for s, _t in modules),
                            [(q, t) for q, t, _p in quizzes], frozenset(q for q, _t, _p in quizzes),
                            {q: p for q, _t, p in quizzes})
                           for course, title, modules, quizzes in outline]
              for session_id, outline in outlines.items()}
    # Each fellow's results by quiz, so that each course takes its share with a set operation.
    passed_by: dict[int, set[int]] = {}
    for user_id, quiz_id in passed:
        passed_by.setdefault(user_id, set()).add(quiz_id)
    pending_by: dict[int, set[int]] = {}
    for user_id, quiz_id in pending:
        pending_by.setdefault(user_id, set()).add(quiz_id)
    best_by: dict[int, dict[int, float]] = {}
    for (user_id, quiz_id), percent in best.items():
        best_by.setdefault(user_id, {})[quiz_id] = percent
    nothing: frozenset[int] = frozenset()
    result: dict[int, list[FellowProgress]] = {session.id: [] for session in sessions}
    for application in applications:
        fellow = FellowProgress(application.user, application)
        user_id, session_id = application.user_id, application.session_id
        my_passed, my_pending = passed_by.get(user_id, nothing), pending_by.get(user_id, nothing)
        my_best = best_by.get(user_id, {})
        # The outline's lists, dicts and sets are shared by the cohort (progress is only
        # read); each fellow's own marks and results are theirs.
        for slug, course_id, title, modules, slugs, pairs, ids, pass_marks in shared[session_id]:
            fellow.courses.append(CourseProgress(
                slug, title, modules, done.get((user_id, course_id), set()), pairs,
                set(ids & my_passed), set(ids & my_pending), pass_marks,
                {q: p for q, p in my_best.items() if q in ids} if my_best else {},
                module_slugs=slugs, quiz_ids=ids))
        result[session_id].append(fellow)
    for requirement in _REQUIREMENTS:
        standings = requirement(sessions, applications) if applications else {}
        if not standings:
            continue  # nothing to add (no assignments, no attendance required)
        for fellows in result.values():
            for fellow in fellows:
                fellow.requirements += standings.get(fellow.application.id, [])
    return result


# Each fellow with their user row, without the user's roles (joined, they multiply the
# rows a cohort reads, and no progress page asks for a fellow's roles) or partner (a
# fellow's institution is the application's; the few partners load when asked).
# Of the application, only what progress and its pages read (the motivation, answers and
# offer dates are the admissions pages'; a column read anyway is loaded then).
_FELLOWS = (sa.orm.load_only(Application.id, Application.session_id, Application.user_id, Application.status,
                             Application.country, Application.institution),
            sa.orm.joinedload(Application.user).lazyload(User.role_rows),
            sa.orm.joinedload(Application.user).lazyload(User.partner))


def cohort_progress(session: TrainingSession, user_ids: list[int] | None = None) -> list[FellowProgress]:
    """Every accepted fellow (or those of ``user_ids``) with progress in each course."""
    # Joined, not selectin: selectin loads users 500 at a time, so its query count grows.
    stmt = (sa.select(Application).options(*_FELLOWS)
            .where(Application.session_id == session.id, Application.status == ApplicationStatus.ACCEPTED)
            .order_by(Application.created_at, Application.id))
    if user_ids is not None:
        stmt = stmt.where(Application.user_id.in_(user_ids))
    return _progress([session], list(db.session.scalars(stmt).unique()))[session.id]


def completion(session: TrainingSession, user: User) -> FellowProgress | None:
    """The fellow's progress in the session, or None when not in its cohort."""
    found = cohort_progress(session, [user.id])
    return found[0] if found else None


def completions(user: User, applications: list[Application]) -> list[tuple[TrainingSession, FellowProgress]]:
    """The user's progress in the session of each of their accepted applications, at once
    (the dashboard's list of studies)."""
    accepted = [a for a in applications if a.user_id == user.id and a.status == ApplicationStatus.ACCEPTED]
    progress = _progress([a.session for a in accepted], accepted)
    return [(a.session, progress[a.session_id][0]) for a in accepted]


def sessions_progress(sessions: list[TrainingSession]) -> dict[int, list[FellowProgress]]:
    """Every accepted fellow's progress in each of the sessions, in a fixed number of
    statements however many sessions: for reports over the years."""
    ids = [s.id for s in sessions]
    applications = list(db.session.scalars(
        sa.select(Application).options(*_FELLOWS)
        .where(Application.session_id.in_(ids), Application.status == ApplicationStatus.ACCEPTED)
        .order_by(Application.created_at, Application.id)).unique()) if ids else []
    return _progress(sessions, applications)
