"""JSON shapes of the course library for the API."""

from .models import Course, CourseRevision, Quiz


def quiz_json(quiz: Quiz) -> dict:
    return {
        "id": quiz.id,
        "title": quiz.title,
        "file": quiz.file,
        "after": quiz.after_module,
        "pass_mark": quiz.pass_mark,
        "max_attempts": quiz.max_attempts,
        "time_limit_minutes": quiz.time_limit_minutes,
        "shuffle": quiz.shuffle,
        "questions": quiz.question_count,
    }


def revision_json(revision: CourseRevision) -> dict:
    return {
        "number": revision.number,
        "status": "published" if revision.is_published else "draft",
        "author": revision.author_name,
        "message": revision.message,
        "created_at": revision.created_at.isoformat(),
        "published_at": revision.published_at.isoformat() if revision.published_at else None,
        "content_hash": revision.content_hash,
    }


def course_summary_json(course: Course, revision: CourseRevision) -> dict:
    return {
        "slug": course.slug,
        "title": revision.title,
        "partner": course.partner.code,
        "language": revision.language,
        "license": revision.license,
        "authors": revision.authors,
        "version": revision.version,
        "summary": revision.summary,
        "topics": revision.topics,
        "hours": revision.hours,
        "revision": revision.number,
        "status": "published" if revision.is_published else "draft",
        "derived_from": course.derived_from.slug if course.derived_from else None,
        "translation_of": course.family.slug if course.translation_of_id and course.family else None,
    }


def course_json(course: Course, revision: CourseRevision) -> dict:
    data = course_summary_json(course, revision)
    data["modules"] = [
        {"slug": m.slug, "title": m.title, "minutes": m.minutes, "position": m.position}
        for m in revision.modules
    ]
    data["quizzes"] = [quiz_json(q) for q in revision.quizzes]
    data["revision_info"] = revision_json(revision)
    return data


def module_json(module) -> dict:
    """A module (model or cached view): slug, title, minutes, html."""
    return {"slug": module.slug, "title": module.title, "minutes": module.minutes,
            "html": module.html}
