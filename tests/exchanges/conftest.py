import pytest

from ..builders import committed, create_course, create_staff, create_user


@pytest.fixture
def exchange_people(app) -> None:
    """A course, a teacher and staff at UCA and CICA, an admin and a fellow, committed."""
    with committed(app):
        create_course(slug="rs")
        create_staff("UCA", email="teacher@uca.example")
        create_staff("UCA", email="staff@uca.example")
        create_staff("CICA", email="staff@cica.example")
        create_user(email="admin@gdi.example", roles="admin")
        create_user(email="fellow@example.org")
