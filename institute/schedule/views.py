"""Web pages of the schedule: a session's agenda and month, events, attendance, the
user's own calendar and its private feed."""

import calendar as month_grid
from datetime import date, datetime
from itertools import groupby
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, get_timezone, to_user_timezone
from flask_babel import gettext as _
from flask_login import current_user

from ..access import login_required, public
from ..accounts.feeds import calendar_token, renew_calendar_token, user_of_calendar_token
from ..errors import Invalid, NotFound
from ..extensions import limiter
from ..links import external_url
from ..notifications.services import in_language_of
from ..training.models import TrainingSession
from ..web import apply_errors, flash_error
from . import ical, services
from .forms import EventForm
from .labels import event_kind, kind_choices, presence
from .models import EventKind, Presence

schedule = Blueprint("schedule", __name__, template_folder="templates")
schedule.add_app_template_filter(event_kind, "event_kind")
schedule.add_app_template_filter(presence, "presence")


def _zone() -> ZoneInfo:
    return ZoneInfo(str(get_timezone()))


def _local_day(moment: datetime) -> date:
    return to_user_timezone(moment).date()


def _month(value: str | None, events) -> date:
    """The month asked for (YYYY-MM), else the one of the next event, else this one."""
    if value:
        try:
            year, month = (int(part) for part in value.split("-", 1))
            if 2000 <= year <= 2100 and 1 <= month <= 12:
                return date(year, month, 1)
        except ValueError:
            pass
    today = _local_day(datetime.now().astimezone())
    coming = [e for e in events if _local_day(e.ends_at) >= today]
    first = _local_day(coming[0].starts_at) if coming else today
    return first.replace(day=1)


def _weeks(month: date, events) -> list[list[tuple[date, list]]]:
    """The month's grid, weeks starting on the locale's first day, each day with its events."""
    by_day: dict[date, list] = {}
    for event in events:
        day, last = _local_day(event.starts_at), _local_day(event.ends_at)
        while day <= last:
            by_day.setdefault(day, []).append(event)
            day = date.fromordinal(day.toordinal() + 1)
    grid = month_grid.Calendar(firstweekday=get_locale().first_week_day)
    return [[(day, by_day.get(day, [])) for day in week] for week in grid.monthdatescalendar(month.year, month.month)]


def _shift(month: date, months: int) -> str:
    index = month.year * 12 + month.month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@schedule.route("/sessions/<int:session_id>/schedule")
@login_required
def session_schedule(session_id: int):
    session = services.schedule_for(session_id, current_user)
    events = services.session_events(session)
    view = "month" if request.args.get("view") == "month" else "agenda"
    context = {"session": session, "view": view, "may_plan": services.may_plan(current_user, session)}
    if view == "month":
        month = _month(request.args.get("month"), events)
        context.update(month=month, weeks=_weeks(month, events), previous=_shift(month, -1),
                       following=_shift(month, 1),
                       weekdays=[day for day, _events in _weeks(month, [])[0]])
    else:
        context["days"] = [(day, list(group)) for day, group in groupby(events, key=lambda e: _local_day(e.starts_at))]
        context["today"] = _local_day(datetime.now().astimezone())
    return render_template("schedule/session.html", **context)


def _event_form(session: TrainingSession, event=None) -> EventForm:
    form = EventForm()
    form.kind.choices = kind_choices()
    form.quiz.choices = [("", _("— none —"))] + [
        (key, title) for key, (_id, title) in services.session_quizzes(session).items()]
    if event is not None and request.method == "GET":
        form.quiz.data = event.quiz_key or ""
        form.title.data, form.kind.data = event.title, event.kind
        form.starts_at.data = to_user_timezone(event.starts_at).replace(tzinfo=None)
        form.ends_at.data = to_user_timezone(event.ends_at).replace(tzinfo=None)
        form.place.data, form.description.data = event.place, event.description
    return form


def _event_data(form: EventForm) -> dict:
    return {name: getattr(form, name).data
            for name in ("title", "kind", "starts_at", "ends_at", "place", "description", "quiz")}


@schedule.route("/sessions/<int:session_id>/events/new", methods=["GET", "POST"])
@login_required
def new_event(session_id: int):
    session = services.schedule_for(session_id, current_user, "plan")
    form = _event_form(session)
    if request.method == "GET" and request.args.get("kind") in set(EventKind):
        form.kind.data = request.args["kind"]
    if request.method == "GET" and request.args.get("quiz") in services.session_quizzes(session):
        form.quiz.data, form.kind.data = request.args["quiz"], EventKind.DEADLINE
    if form.validate_on_submit():
        try:
            event = services.create_event(session, current_user, _event_data(form), _zone())
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            flash(_("The event is on the schedule."), "success")
            return redirect(url_for("schedule.event", event_id=event.id))
    return render_template("schedule/event_form.html", form=form, session=session, event=None, zone=get_timezone())


@schedule.route("/events/<int:event_id>")
@login_required
def event(event_id: int):
    event = services.event_for(event_id, current_user)
    session = services.session_of(event)
    may_plan = services.may_plan(current_user, session)
    mine = None
    if event.on_site and not may_plan:
        mine = services.attendance_of(event).get(current_user.id)
    quiz = services.session_quizzes(session).get(event.quiz_key) if event.quiz_key else None
    return render_template("schedule/event.html", event=event, session=session, may_plan=may_plan, mine=mine,
                           quiz=quiz)


@schedule.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit_event(event_id: int):
    event = services.event_for(event_id, current_user, "plan")
    session = services.session_of(event)
    form = _event_form(session, event)
    if form.validate_on_submit():
        try:
            services.update_event(event, _event_data(form), _zone())
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            flash(_("The event is saved; subscribed calendars will show the change."), "success")
            return redirect(url_for("schedule.event", event_id=event.id))
    return render_template("schedule/event_form.html", form=form, session=session, event=event, zone=get_timezone())


@schedule.route("/events/<int:event_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel_event(event_id: int):
    """Ask first; cancelling tells subscribed calendars and keeps the attendance taken."""
    event = services.event_for(event_id, current_user, "plan")
    if request.method == "POST":
        if request.form.get("confirmed") == "1":
            services.cancel_event(event)
            flash(_("The event is cancelled."), "info")
        return redirect(url_for("schedule.session_schedule", session_id=event.session_id))
    return render_template("schedule/cancel.html", event=event)


@schedule.route("/events/<int:event_id>/attendance", methods=["GET", "POST"])
@login_required
def attendance(event_id: int):
    event = services.event_for(event_id, current_user, "plan")
    session = services.session_of(event)
    fellows = services.cohort_of(session)
    if request.method == "POST":
        marks = {user.id: request.form.get(f"presence-{user.id}") for user in fellows}
        try:
            services.record_attendance(event, {k: v for k, v in marks.items() if v}, current_user)
        except Invalid as exc:
            flash_error(exc)
        else:
            flash(_("Attendance is saved."), "success")
            return redirect(url_for("schedule.event", event_id=event.id))
    recorded = services.attendance_of(event)
    return render_template("schedule/attendance.html", event=event, session=session, fellows=fellows,
                           recorded=recorded, choices=list(Presence))


@schedule.route("/sessions/<int:session_id>/attendance/mine")
@login_required
def my_attendance(session_id: int):
    session = services.schedule_for(session_id, current_user)
    rows = services.fellow_attendance(session, current_user)
    record = services.attendance_records(session, [current_user.id])[current_user.id]
    return render_template("schedule/my_attendance.html", session=session, rows=rows, record=record)


@schedule.route("/calendar")
@login_required
def my_calendar():
    events = [(e, s) for e, s in services.calendar_of(current_user) if e.cancelled_at is None]
    today = _local_day(datetime.now().astimezone())
    coming = [(e, s) for e, s in events if _local_day(e.ends_at) >= today]
    days = [(day, list(group)) for day, group in groupby(coming, key=lambda pair: _local_day(pair[0].starts_at))]
    return render_template("schedule/calendar.html", days=days,
                           feed_url=external_url("schedule.feed", token=calendar_token(current_user)))


@schedule.route("/calendar/renew", methods=["POST"])
@login_required
def renew_feed():
    renew_calendar_token(current_user.record)
    flash(_("Your calendar has a new address; calendars subscribed to the old one no longer receive events."),
          "info")
    return redirect(url_for("schedule.my_calendar"))


@schedule.route("/calendar/<token>.ics")
@public
@limiter.limit("60 per minute")
def feed(token: str):
    """The private feed: the token is the only key, as calendars send no cookie."""
    user = user_of_calendar_token(token)
    if user is None:
        raise NotFound(_("No such calendar: its address may have been renewed."))
    with in_language_of(user):
        body = ical.calendar(services.calendar_of(user), _("Global Desert Institute — %(name)s", name=user.name),
                             event_kind)
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="gdi-calendar.ics"'
    response.headers["Cache-Control"] = "private, max-age=300"
    return response
