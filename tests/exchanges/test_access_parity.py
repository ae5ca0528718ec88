"""One exchange, loaded for an actor in one place (``exchange_for``): the pages and the API
refuse the same people with the same words. Exchanges have no command line."""

from datetime import date, timedelta

import pytest

from institute.accounts.services import user_by_email
from institute.errors import Conflict, Forbidden
from institute.exchanges import services
from institute.extensions import db

from ..builders import create_user
from ..conftest import bearer, login
from ..parity import api_refusal, page_refusal, sent_to_login

SOON = date.today() + timedelta(days=20)
NOT_YOURS = "You may not see this exchange."


@pytest.fixture
def exchange_id(app, exchange_people):
    """A proposed exchange of a UCA teacher to CICA; and people around it, committed."""
    with app.app_context():
        create_user(email="staff@ufc.example", roles="partner", partner="UFC")
        create_user(email="member@cica.example", partner="CICA")  # of the host, but not its staff
        create_user(email="instructor@gdi.example", roles="instructor", partner="GDI")
        exchange = services.propose(user_by_email("staff@uca.example"), "teacher@uca.example", "UCA", "CICA",
                                    SOON, SOON + timedelta(days=5), [], "Teach the sand fixation course.")
        db.session.commit()
        return exchange.id


def both(app, email: str, exchange_id: int, purpose: str, decision: str = "confirm") -> tuple:
    """What the page and the API answered ``email`` asking to read or decide on the exchange."""
    page, api = app.test_client(), app.test_client()
    login(page, email)
    token = bearer(api, email)
    url = f"/exchanges/{exchange_id}"
    if purpose == "read":
        return page_refusal(page.get(url)), api_refusal(api.get(f"/api/v1{url}", headers=token))
    return (page_refusal(page.post(f"{url}/decision", data={"decision": decision})),
            api_refusal(api.post(f"/api/v1{url}/decision", headers=token, json={"decision": decision})))


@pytest.mark.parametrize("email", ["staff@ufc.example", "fellow@example.org", "member@cica.example"])
def test_those_it_does_not_concern_are_refused_alike(app, exchange_id, email):
    """A partner of another institution, a fellow, a member of the host who is not its staff."""
    for purpose in ("read", "decide"):
        page, api = both(app, email, exchange_id, purpose)
        assert page == api == (403, NOT_YOURS), purpose
    page = app.test_client()
    login(page, email)
    attach = page.post(f"/exchanges/{exchange_id}/files", data={}, content_type="multipart/form-data")
    assert page_refusal(attach) == (403, NOT_YOURS)


def test_an_instructor_sees_it_and_is_refused_the_decision_alike(app, exchange_id):
    client = app.test_client()
    login(client, "instructor@gdi.example")
    assert client.get(f"/exchanges/{exchange_id}").status_code == 200
    assert client.get(f"/api/v1/exchanges/{exchange_id}",
                      headers=bearer(client, "instructor@gdi.example")).status_code == 200
    page, api = both(app, "instructor@gdi.example", exchange_id, "decide")
    assert page == api == (403, "You may not confirm this exchange.")
    attach = client.post(f"/exchanges/{exchange_id}/files", data={}, content_type="multipart/form-data")
    assert page_refusal(attach) == (403, "Only the home institution's staff, the teacher or an admin add material.")


def test_the_home_institution_cannot_confirm_on_either_channel(app, exchange_id):
    page, api = both(app, "staff@uca.example", exchange_id, "decide")
    assert page == api == (403, "You may not confirm this exchange.")


def test_unknown_and_anonymous(app, exchange_id):
    client = app.test_client()
    assert sent_to_login(client.get(f"/exchanges/{exchange_id}"))
    assert sent_to_login(client.post(f"/exchanges/{exchange_id}/decision", data={"decision": "confirm"}))
    assert api_refusal(client.get(f"/api/v1/exchanges/{exchange_id}"))[0] == 401
    login(client, "staff@uca.example")
    token = bearer(client, "staff@uca.example")
    missing = exchange_id + 1000
    assert page_refusal(client.get(f"/exchanges/{missing}")) \
        == api_refusal(client.get(f"/api/v1/exchanges/{missing}", headers=token)) == (404, "No such exchange.")


DECISIONS = ("confirm", "approve", "reject", "cancel", "complete")


def test_the_buttons_shown_are_the_decisions_accepted(ctx):
    """For every person and every state: a decision the page offers is accepted; one it
    does not offer is refused (Forbidden or Conflict), never the other way round."""
    people = {
        "teacher": create_user(email="teacher@uca.example", roles="instructor", partner="UCA"),
        "home": create_user(email="staff@uca.example", roles="partner", partner="UCA"),
        "host": create_user(email="staff@cica.example", roles="partner", partner="CICA"),
        "other": create_user(email="staff@ufc.example", roles="partner", partner="UFC"),
        "admin": create_user(email="admin@gdi.example", roles="admin"),
    }
    exchange = services.propose(people["home"], "teacher@uca.example", "UCA", "CICA", SOON,
                                SOON + timedelta(days=5), [], "Teach the sand fixation course.")
    seen = set()
    for step in ("confirm", "approve", "complete"):
        for who, actor in people.items():
            offered = services.allowed_decisions(exchange, actor)
            for decision in DECISIONS:
                try:
                    with db.session.begin_nested() as trial:
                        services.decide(exchange, decision, actor, "Taught twelve fellows.", today=SOON)
                        trial.rollback()
                    accepted = True
                except (Forbidden, Conflict):
                    accepted = False
                db.session.refresh(exchange)
                assert accepted == (decision in offered), (exchange.status, who, decision)
                seen.add(accepted)
        services.decide(exchange, step, people["host" if step == "confirm" else "admin"], "Report.", today=SOON)
    assert seen == {True, False}


def test_the_home_institution_is_the_proposers_on_both_channels(app, exchange_people):
    """Partner staff propose from their own institution: left out, it is theirs; another
    one named (a forged form, an API call) is refused with the same words."""
    form = {"teacher": "teacher@uca.example", "host": "CICA", "starts_on": str(SOON),
            "ends_on": str(SOON + timedelta(days=3)), "purpose": "Teach the sand fixation course."}
    client = app.test_client()
    login(client, "staff@uca.example")
    assert client.post("/exchanges/new", data=form).status_code == 302
    with app.app_context():
        assert [e.home.code for e in services.visible(user_by_email("staff@uca.example"))] == ["UCA"]
        assert services.proposer_home(user_by_email("staff@uca.example")) == "UCA"
        assert services.proposer_home(user_by_email("admin@gdi.example")) == ""
    refused = "Only the home institution&#39;s staff or an admin propose an exchange."
    other = {"teacher": "staff@cica.example", "home": "CICA", "host": "UCA"}
    forged = client.post("/exchanges/new", data={**form, **other})
    assert forged.status_code == 403 and refused in forged.get_data(as_text=True)
    api = client.post("/api/v1/exchanges", headers=bearer(client, "staff@uca.example"),
                      json={**form, **other, "courses": []})
    assert api_refusal(api) == (403, "Only the home institution's staff or an admin propose an exchange.")


def test_the_material_form_shown_is_the_material_accepted(ctx):
    home = create_user(email="staff@uca.example", roles="partner", partner="UCA")
    host = create_user(email="staff@cica.example", roles="partner", partner="CICA")
    create_user(email="teacher@uca.example", roles="partner", partner="UCA")
    exchange = services.propose(home, "teacher@uca.example", "UCA", "CICA", SOON, SOON + timedelta(days=5), [],
                                "Teach the sand fixation course.")
    assert services.may_attach(exchange, home) and not services.may_attach(exchange, host)
    services.attach_file(exchange, home, "plan.txt", b"day one")
    services.decide(exchange, "reject", host)
    assert not services.may_attach(exchange, home)
    with pytest.raises(Conflict):
        services.attach_file(exchange, home, "late.txt", b"too late")
