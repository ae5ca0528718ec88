from institute.extensions import db

from ..builders import create_course, create_user


def exchange_people(app) -> None:
    """A course, a teacher and staff at UCA and CICA, an admin and a fellow, committed."""
    with app.app_context():
        create_course(slug="rs")
        create_user(email="teacher@uca.example", roles="partner", partner="UCA")
        create_user(email="staff@uca.example", roles="partner", partner="UCA")
        create_user(email="staff@cica.example", roles="partner", partner="CICA")
        create_user(email="admin@gdi.example", roles="admin")
        create_user(email="fellow@example.org")
        db.session.commit()
