"""A session may require a share of attendance for completion: the completion rule, the
certificates' reasons and the cohort page count it."""

from datetime import UTC, datetime, timedelta

from institute.schedule import services as schedule
from institute.training import services as training
from institute.training.labels import missing_texts
from institute.training.progress import cohort_progress, completion

from ..builders import committed, complete_modules, create_course, create_event, create_session, create_user, enrol
from ..conftest import login

START = datetime(2026, 11, 4, 1, tzinfo=UTC)


def _session(required=75):
    create_course("sands", slug_title="Sand Fixing", quiz=False)
    session = create_session(courses=["sands"], attendance_required=required)
    fellow = enrol(session, email="fellow@example.org")
    complete_modules(fellow, "sands")
    return session, fellow


def test_attendance_below_the_share_keeps_a_fellow_from_completing(ctx):
    session, fellow = _session(75)
    admin = create_user(roles="admin")
    assert not completion(session, fellow).completed  # nothing taken yet: not met
    assert missing_texts(completion(session, fellow).missing) == ["Attendance: none taken yet (75% required)"]
    events = [create_event(session, starts_at=START + timedelta(days=d)) for d in range(4)]
    for event, mark in zip(events, ["present", "present", "absent", "excused"], strict=True):
        schedule.record_attendance(event, {fellow.email: mark}, admin)
    progress = completion(session, fellow)
    assert progress.requirement("attendance").value == 67 and not progress.completed
    assert missing_texts(progress.missing) == ["Attendance 67%, below the 75% required"]
    schedule.record_attendance(events[2], {fellow.email: "present"}, admin)
    assert completion(session, fellow).completed and completion(session, fellow).missing == []


def test_a_session_without_the_requirement_ignores_attendance(ctx):
    session, fellow = _session(None)
    create_event(session, starts_at=START)
    assert completion(session, fellow).completed and completion(session, fellow).requirements == []


def test_the_share_is_checked(ctx):
    import pytest

    from institute.errors import Invalid

    with pytest.raises(Invalid) as refused:
        create_session(attendance_required=0, sequence=2)
    assert [d["field"] for d in refused.value.details] == ["attendance_required"]


def test_several_sessions_at_once_and_the_cohort_page(app, client):
    with committed(app):
        session, fellow = _session(50)
        other = create_session(title="Other", sequence=2, courses=["sands"], attendance_required=100)
        enrol(other, fellow)
        admin = create_user(email="admin@example.org", roles="admin")
        schedule.record_attendance(create_event(session, starts_at=START), {fellow.email: "present"}, admin)
        schedule.record_attendance(create_event(other, starts_at=START), {fellow.email: "absent"}, admin)
        session_id = session.id
        applications = training.my_applications(fellow)
        from institute.training.progress import completions

        done = {s.id: p.completed for s, p in completions(fellow, applications)}
        assert done == {session.id: True, other.id: False}
        assert [p.completed for p in cohort_progress(other)] == [False]
    login(client, "admin@example.org")
    page = client.get(f"/sessions/{session_id}/cohort").get_data(as_text=True)
    assert "Attendance (50% required)" in page and "100%" in page
