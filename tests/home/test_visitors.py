"""Visitors meet the platform: the home page lists the open calls and their deadlines,
a session's page tells a visitor its dates, place, seats, when applications are taken
and how to apply."""

from datetime import date, timedelta

from institute.training.services import close_session, open_calls

from ..builders import committed, create_session, enrol

TODAY = date.today()


def test_open_calls_are_the_sessions_taking_applications_soonest_deadline_first(ctx):
    later = create_session(title="Later call", year=2031, seats=3,
                           applications_close=TODAY + timedelta(days=20))
    sooner = create_session(title="Sooner call", year=2032, applications_close=TODAY + timedelta(days=5))
    create_session(title="Not yet", year=2033, applications_open=TODAY + timedelta(days=3))
    create_session(title="Past its deadline", year=2034, applications_close=TODAY - timedelta(days=1))
    close_session(create_session(title="Closed by hand", year=2035))
    enrol(later)

    calls = open_calls()

    assert [(s.title, closes, seats) for s, closes, seats in calls] == [
        ("Sooner call", TODAY + timedelta(days=5), sooner.seats),
        ("Later call", TODAY + timedelta(days=20), 2),
    ]


def test_a_call_without_a_closing_date_runs_until_the_session_starts(ctx):
    session = create_session(applications_close=None)
    [(_, closes, _)] = open_calls()
    assert closes == session.starts_on


def test_the_home_page_shows_the_open_calls_and_their_deadlines(app, client):
    with committed(app):
        session = create_session(title="Drylands restoration 2031", year=2031, seats=12,
                                 applications_close=date(2031, 1, 15), starts_on=date(2031, 3, 1),
                                 ends_on=date(2031, 3, 20))
        session_id = session.id
        create_session(title="Closed for now", year=2032, applications_open=TODAY + timedelta(days=9))

    page = client.get("/").get_data(as_text=True)

    assert "Open calls for applications" in page
    assert f'href="/sessions/{session_id}"' in page
    assert "Drylands restoration 2031" in page
    assert "Apply by Jan 15, 2031" in page
    assert "12 seats left" in page
    assert "Closed for now" not in page


def test_the_home_page_says_nothing_of_calls_when_none_is_open(app, client):
    assert "Open calls" not in client.get("/").get_data(as_text=True)


def test_a_visitor_reads_what_the_session_offers_and_how_to_apply(app, client):
    with committed(app):
        session = create_session(title="Sand dune fixation", seats=8, place="Kubuqi, Inner Mongolia",
                                 applications_close=date(2030, 12, 1), starts_on=date(2031, 2, 1),
                                 ends_on=date(2031, 2, 28), year=2031,
                                 applications_open=TODAY - timedelta(days=2))
        session_id = session.id

    page = client.get(f"/sessions/{session_id}").get_data(as_text=True)

    for words in ("Feb 1, 2031", "Feb 28, 2031", "Kubuqi, Inner Mongolia", "8 (8 left)", "Dec 1, 2030",
                  "Applications are open until Dec 1, 2030.", "Create an account to apply"):
        assert words in page, words
    assert 'href="/register"' in page
    assert f'href="/login?next=/sessions/{session_id}"' in page
    assert 'name="motivation"' not in page


def test_a_visitor_hears_that_applications_are_not_open(app, client):
    with committed(app):
        session_id = create_session(applications_open=TODAY + timedelta(days=4)).id

    page = client.get(f"/sessions/{session_id}").get_data(as_text=True)

    assert "Applications are not open." in page
    assert "Create an account to apply" not in page
