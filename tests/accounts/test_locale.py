"""Writing a user's interface language is one service: the language form, registration
and the profile all keep only languages the platform speaks."""

import pytest

from institute.accounts import services
from institute.errors import Invalid

from ..builders import PASSWORD, create_user


def test_choosing_a_language(ctx):
    user = create_user()
    assert services.choose_locale(user, "fr").locale == "fr"
    with pytest.raises(Invalid) as refused:
        services.choose_locale(user, "xx")
    assert refused.value.for_field("locale") and user.locale == "fr"


def test_registration_keeps_only_a_spoken_language(ctx):
    assert services.register_trainee("a@example.org", "A Fellow", PASSWORD, None, "es").locale == "es"
    assert services.register_trainee("b@example.org", "B Fellow", PASSWORD, None, "xx").locale is None


def test_the_language_form_saves_it_on_the_profile(app, client, make_user):
    from ..conftest import login

    make_user(email="reader@example.org")
    login(client, "reader@example.org")
    client.post("/language", data={"locale": "zh", "next": "/"})
    with app.app_context():
        assert services.user_by_email("reader@example.org").locale == "zh"
