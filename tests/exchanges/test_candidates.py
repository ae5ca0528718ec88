"""Who may be named the teacher of a proposed exchange: chosen by the database."""

from institute.exchanges import services

from ..builders import create_user
from ..conftest import login


def test_an_admin_may_name_anyone_of_a_partner_institution_and_staff_their_own(ctx):
    admin = create_user(roles="admin")
    uca = [create_user(roles="partner", partner="UCA") for _ in range(3)]
    cica = create_user(roles="partner", partner="CICA")
    fellows = [create_user() for _ in range(20)]  # no institution: never candidates
    fellow_of_uca = create_user(partner="UCA")
    named = services.teacher_candidates(admin)
    assert set(named) == {*uca, cica, fellow_of_uca}
    assert not set(named) & set(fellows)
    assert named == sorted(named, key=lambda u: (u.created_at, u.id), reverse=True)  # newest first, as before
    assert set(services.teacher_candidates(uca[0])) == {*uca, fellow_of_uca}
    assert services.teacher_candidates(cica) == [cica]
    assert services.teacher_candidates(fellows[0]) == []  # no institution, nobody


def test_the_proposal_form_lists_the_candidates(app, client, make_user):
    make_user(email="staff@uca.example", roles="partner", partner="UCA")
    make_user(email="colleague@uca.example", name="Colleague", roles="partner", partner="UCA")
    make_user(email="other@cica.example", name="Elsewhere", roles="partner", partner="CICA")
    login(client, "staff@uca.example")
    page = client.get("/exchanges/new").get_data(as_text=True)
    assert 'value="colleague@uca.example"' in page and "other@cica.example" not in page
