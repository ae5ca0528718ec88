"""Names hold no bidi overrides or other hidden characters; the joiners scripts need stay."""

import pytest

from institute.accounts import services
from institute.errors import Invalid

from ..conftest import login

HIDDEN = {
    "right-to-left override": "Ali\u202eretsam",
    "left-to-right override": "\u202dAdmin",
    "first strong isolate": "Nur\u2068lan",
    "pop directional isolate": "Ana\u2069",
    "right-to-left mark": "Omar\u200f",
    "zero width space": "Li\u200bWei",
    "byte order mark": "\ufeffJosé",
    "line separator": "Ana\u2028Lucía",
    "escape": "Bob\x1b[31m",
    "delete": "Bob\x7f",
}


@pytest.mark.parametrize("name", HIDDEN.values(), ids=HIDDEN.keys())
def test_hidden_characters_are_refused_in_names(ctx, name):
    with pytest.raises(Invalid) as caught:
        services.create_user("x@example.org", name, "a long enough password")
    assert caught.value.details[0]["field"] == "name"
    assert "U+" in caught.value.details[0]["message"]


@pytest.mark.parametrize("name", ["می\u200cخواهم", "क्\u200dष", "José Ñúñez", "فاطمة الزهراء", "王小明",
                                  "Айгерим Сапарова", "Gülşat Annaýewa"])
def test_names_in_every_script_with_their_joiners_are_kept(ctx, name):
    assert services.create_user(f"{abs(hash(name))}@example.org", name, "a long enough password").name == name


def test_the_profile_form_refuses_a_bidi_override(client, make_user):
    make_user(email="f@example.org", name="Fatima")
    login(client, "f@example.org")
    response = client.post("/profile", data={"name": "Fatima\u202e", "country": "", "locale": ""})
    assert response.status_code in (200, 422)
    assert "invisible or control characters" in response.get_data(as_text=True)
