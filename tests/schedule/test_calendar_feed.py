"""Each user's private iCalendar feed, read by an independent parser (icalendar, from PyPI):
events, times with their zone, a change as the same UID with a higher SEQUENCE, a
cancelled event, a revoked address."""

from datetime import date, datetime, time, timedelta, timezone

import icalendar

from institute.accounts.feeds import calendar_token, renew_calendar_token
from institute.accounts.services import user_by_email
from institute.extensions import db
from institute.schedule import services as schedule

from ..builders import committed, create_event, create_session, create_user, enrol
from ..conftest import bearer

# Days ahead, so the calendar page lists them as coming up whenever the suite runs.
START = datetime.combine(date.today() + timedelta(days=10), time(7), tzinfo=timezone(timedelta(hours=8)))


def _feed(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/calendar"
    return icalendar.Calendar.from_ical(response.get_data()), response.get_data()


def _setup(app):
    with committed(app):
        session = create_session(title="Kubuqi 2026")
        fellow = enrol(session, email="fellow@example.org", name="Aigerim")
        trip = create_event(session, kind="field-trip", title="Field trip: checkerboards, Dalate; day 1",
                            starts_at=START, hours=11, place="Dalate Banner, Kubuqi",
                            description="Bus at 7:00.\nWater, hat, closed shoes.")
        create_event(session, kind="deadline", title="Field report due", starts_at=START + timedelta(days=20),
                     hours=0)
        create_event(create_session(title="Not hers", sequence=2), title="Elsewhere")
        return trip.id, calendar_token(fellow)


def test_the_feed_is_rfc_5545_as_an_independent_parser_reads_it(app, client):
    trip_id, token = _setup(app)
    calendar, raw = _feed(client, f"/calendar/{token}.ics")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded in octets
    assert calendar["VERSION"] == "2.0" and "Global Desert Institute" in str(calendar["PRODID"])
    events = calendar.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Field trip: checkerboards, Dalate; day 1", "Field report due"]
    trip = events[0]
    assert trip.decoded("DTSTART") == START and trip.decoded("DTSTART").utcoffset() == timedelta(0)
    assert trip.decoded("DTEND") == START + timedelta(hours=11)
    assert str(trip["LOCATION"]) == "Dalate Banner, Kubuqi"
    assert "Water, hat, closed shoes." in str(trip["DESCRIPTION"]) and "Kubuqi 2026" in str(trip["DESCRIPTION"])
    assert str(trip["STATUS"]) == "CONFIRMED" and int(trip["SEQUENCE"]) == 0
    assert str(trip["UID"]).startswith(f"event-{trip_id}@")
    assert "DTEND" not in events[1]  # a deadline is a moment


def test_a_change_and_a_cancellation_keep_the_uid_with_a_higher_sequence(app, client):
    trip_id, token = _setup(app)
    before, _raw = _feed(client, f"/calendar/{token}.ics")
    with committed(app):
        trip = schedule.event_for(trip_id, create_user(roles="admin"), "plan")
        schedule.update_event(trip, {"starts_at": START + timedelta(hours=1)})
    after, _raw = _feed(client, f"/calendar/{token}.ics")
    old, new = before.walk("VEVENT")[0], after.walk("VEVENT")[0]
    assert old["UID"] == new["UID"] and int(new["SEQUENCE"]) == int(old["SEQUENCE"]) + 1
    assert new.decoded("DTSTART") == START + timedelta(hours=1)
    with committed(app):
        schedule.cancel_event(db.session.get(type(trip), trip_id))
    cancelled, _raw = _feed(client, f"/calendar/{token}.ics")
    gone = cancelled.walk("VEVENT")[0]
    assert gone["UID"] == old["UID"] and str(gone["STATUS"]) == "CANCELLED" and int(gone["SEQUENCE"]) == 2


def test_the_address_is_given_by_the_api_and_renewing_it_revokes_the_old_one(app, client):
    _trip_id, token = _setup(app)
    me = client.get("/api/v1/me", headers=bearer(client, "fellow@example.org")).get_json()
    assert me["calendar_url"] == f"{app.config['BASE_URL']}/calendar/{token}.ics"
    with committed(app):
        renew_calendar_token(user_by_email("fellow@example.org"))
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    with app.app_context():
        new = calendar_token(user_by_email("fellow@example.org"))
    assert new != token and client.get(f"/calendar/{new}.ics").status_code == 200


def test_made_up_and_foreign_tokens_find_nothing(app, client):
    _trip_id, token = _setup(app)
    user_id, digest = token.split("-")
    for wrong in (f"{user_id}-{'0' * 40}", f"{int(user_id) + 1}-{digest}", "1-abc", "x", f"{user_id}"):
        assert client.get(f"/calendar/{wrong}.ics").status_code == 404, wrong


def test_a_deactivated_users_feed_stops(app, client):
    _trip_id, token = _setup(app)
    with committed(app):
        user_by_email("fellow@example.org").active = False
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_the_calendar_page_gives_the_address_and_renews_it(app, client):
    from ..conftest import login

    _trip_id, token = _setup(app)
    login(client, "fellow@example.org")
    page = client.get("/calendar").get_data(as_text=True)
    assert f"/calendar/{token}.ics" in page and "Field report due" in page
    assert client.post("/calendar/renew").status_code == 302
    assert f"/calendar/{token}.ics" not in client.get("/calendar").get_data(as_text=True)
