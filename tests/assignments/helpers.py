"""A course with an assignment, two sessions that teach it, their people: what the
assignment tests share."""

import io
import zipfile

from ..builders import (
    committed,
    course_files,
    create_course,
    create_session,
    create_user,
    enrol,
    free_year_and_sequence,
    pdf_bytes,
)

ASSIGNMENT_FRONT = """assignments:
  - file: report.md
    title: Field report
    after: 01-module-1
    pass_mark: 6
    max_megabytes: 1
    rubric:
      - criterion: Site
        points: 5
      - criterion: Plan
        points: 5
"""
INSTRUCTIONS = "# Field report\n\nDescribe a **site** where sand moves.\n\n<script>alert(1)</script>\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def assignment_files(front: str = ASSIGNMENT_FRONT, instructions: str = INSTRUCTIONS, **kwargs) -> dict:
    files = course_files(extra_front=front, **kwargs)
    files["report.md"] = instructions.encode()
    return files


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def world(app) -> dict:
    """Session A (instructor a-teacher, fellows f1 and f2) and session B (instructor
    b-teacher, fellow f3), both with the course; an admin; a stranger trainee."""
    with committed(app):
        course = create_course("assigned", files=assignment_files()).course
        admin = create_user(email="admin@example.org", roles="admin")
        a_teacher = create_user(email="a-teacher@example.org", roles="instructor")
        b_teacher = create_user(email="b-teacher@example.org", roles="instructor")
        first = create_session(title="Session A", courses=[course], instructors=[a_teacher],
                               **free_year_and_sequence())
        second = create_session(title="Session B", courses=[course], instructors=[b_teacher],
                                **free_year_and_sequence())
        enrol(first, create_user(email="f1@example.org", name="Fellow One"), admin)
        enrol(first, create_user(email="f2@example.org", name="Fellow Two"), admin)
        enrol(second, create_user(email="f3@example.org", name="Fellow Three"), admin)
        create_user(email="stranger@example.org")
        return {"assignment": course.published.assignments[0].id, "a": first.id, "b": second.id,
                "course": course.id}


__all__ = ["PNG", "assignment_files", "docx_bytes", "pdf_bytes", "world"]
