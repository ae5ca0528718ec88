"""The schedule's rules: who reads and plans events, their checks, changes as new
SEQUENCEs, attendance and each fellow's record."""

from datetime import UTC, datetime, timedelta

import pytest

from institute.errors import Forbidden, Invalid, NotFound
from institute.schedule import services as schedule

from ..builders import create_event, create_guest_teacher, create_session, create_staff, create_user, enrol

START = datetime(2026, 11, 4, 1, 0, tzinfo=UTC)  # 9:00 in Kubuqi


@pytest.fixture
def people(ctx):
    instructor = create_user(email="teacher@example.org", roles="instructor")
    session = create_session(instructors=[instructor])
    other = create_session(title="Another session", sequence=2)
    return {
        "session": session, "other_session": other, "instructor": instructor,
        "fellow": enrol(session, email="fellow@example.org"),
        "admin": create_user(email="admin@example.org", roles="admin"),
        "outsider": enrol(other, email="outsider@example.org"),
        "partner": create_staff("UCA", email="staff@uca.example"),
        "other_instructor": create_user(email="other@example.org", roles="instructor"),
    }


def test_its_people_read_the_schedule_and_its_staff_plan_it(people):
    session = people["session"]
    event = create_event(session, author=people["instructor"])
    for who in ("fellow", "instructor", "admin"):
        assert schedule.event_for(event.id, people[who]) is event
        assert schedule.schedule_for(session.id, people[who]) is session
    for who in ("instructor", "admin"):
        assert schedule.event_for(event.id, people[who], "plan") is event
    for who in ("outsider", "partner", "other_instructor"):
        with pytest.raises(Forbidden):
            schedule.event_for(event.id, people[who])
        with pytest.raises(Forbidden):
            schedule.schedule_for(session.id, people[who])
    with pytest.raises(Forbidden):
        schedule.event_for(event.id, people["fellow"], "plan")
    with pytest.raises(Forbidden):
        schedule.schedule_for(session.id, people["fellow"], "plan")
    with pytest.raises(Forbidden):
        schedule.event_for(event.id, None)
    with pytest.raises(NotFound):
        schedule.event_for(event.id + 1000, people["admin"])


def test_a_guest_teacher_plans_while_the_exchange_lasts(ctx):
    guest = create_guest_teacher()
    session = create_session(instructors=[guest])
    event = create_event(session)
    assert schedule.event_for(event.id, guest, "plan") is event


def test_an_event_is_checked_field_by_field_and_nothing_is_written(people):
    session, admin = people["session"], people["admin"]
    with pytest.raises(Invalid) as refused:
        schedule.create_event(session, admin, {"title": "", "kind": "party", "starts_at": "not a time",
                                               "ends_at": "2026-11-04T08:00:00+08:00"})
    fields = {d["field"] for d in refused.value.details}
    assert fields == {"title", "kind", "starts_at"}
    with pytest.raises(Invalid) as refused:
        schedule.create_event(session, admin, {"title": "Backwards", "kind": "lecture",
                                               "starts_at": START, "ends_at": START - timedelta(hours=1)})
    assert [d["field"] for d in refused.value.details] == ["ends_at"]
    with pytest.raises(Invalid) as refused:  # a time without its offset means nothing to the API
        schedule.create_event(session, admin, {"title": "No zone", "kind": "lecture",
                                               "starts_at": "2026-11-04T09:00", "ends_at": "2026-11-04T12:00"})
    assert {d["field"] for d in refused.value.details} == {"starts_at", "ends_at"}
    with pytest.raises(Invalid):
        schedule.create_event(session, admin, {"title": "A year", "kind": "field-trip", "starts_at": START,
                                               "ends_at": START + timedelta(days=365)})
    assert schedule.session_events(session) == []


def test_a_deadline_is_a_moment_and_a_form_time_is_read_in_the_users_zone(people):
    from zoneinfo import ZoneInfo

    deadline = schedule.create_event(people["session"], people["admin"], {
        "title": "Field report due", "kind": "deadline", "starts_at": "2026-12-10T23:00:00+08:00"})
    assert deadline.ends_at == deadline.starts_at == datetime(2026, 12, 10, 15, tzinfo=UTC)
    lecture = schedule.create_event(people["session"], people["admin"], {
        "title": "Lecture", "kind": "lecture", "starts_at": datetime(2026, 11, 4, 9),
        "ends_at": datetime(2026, 11, 4, 12)}, ZoneInfo("Asia/Shanghai"))
    assert lecture.starts_at == START


def test_each_change_raises_the_sequence_and_cancelling_keeps_the_event(people):
    event = create_event(people["session"], starts_at=START)
    assert event.sequence == 0
    schedule.update_event(event, {"place": "Hall B"})
    assert (event.place, event.sequence) == ("Hall B", 1)
    schedule.update_event(event, {"place": "Hall B"})  # nothing changed: nothing to tell calendars
    assert event.sequence == 1
    with pytest.raises(Invalid):
        schedule.update_event(event, {"ends_at": START - timedelta(hours=2)})
    assert event.ends_at > event.starts_at and event.sequence == 1
    schedule.cancel_event(event)
    assert event.cancelled_at is not None and event.sequence == 2
    assert schedule.session_events(people["session"]) == []
    assert schedule.session_events(people["session"], include_cancelled=True) == [event]


def test_a_users_calendar_holds_the_sessions_they_study_or_teach(people):
    event = create_event(people["session"])
    other = create_event(people["other_session"])
    assert [e for e, _s in schedule.calendar_of(people["fellow"])] == [event]
    assert [e for e, _s in schedule.calendar_of(people["instructor"])] == [event]
    assert [e for e, _s in schedule.calendar_of(people["outsider"])] == [other]
    assert schedule.calendar_of(people["partner"]) == []
    assert {e.id for e, _s in schedule.calendar_of(people["admin"])} == {event.id, other.id}


def test_attendance_is_for_the_cohort_at_on_site_events(people):
    session, instructor, fellow = people["session"], people["instructor"], people["fellow"]
    second = enrol(session, email="second@example.org")
    lecture = create_event(session, starts_at=START)
    deadline = create_event(session, kind="deadline", hours=0)
    with pytest.raises(Invalid):
        schedule.record_attendance(deadline, {fellow.email: "present"}, instructor)
    with pytest.raises(Invalid) as refused:
        schedule.record_attendance(lecture, {fellow.email: "present", "outsider@example.org": "present",
                                             second.email: "asleep"}, instructor)
    assert {d["field"] for d in refused.value.details} == {"attendance.outsider@example.org",
                                                           f"attendance.{second.email}"}
    assert schedule.attendance_of(lecture) == {}  # nothing written when one mark is wrong
    schedule.record_attendance(lecture, {fellow.email: "present", second.id: "excused"}, instructor)
    marks = schedule.attendance_of(lecture)
    assert marks[fellow.id].presence == "present" and marks[second.id].presence == "excused"
    assert marks[fellow.id].recorded_by_id == instructor.id
    schedule.record_attendance(lecture, {second.email: "absent"}, instructor)  # corrected later
    assert schedule.attendance_of(lecture)[second.id].presence == "absent"
    schedule.cancel_event(lecture)
    with pytest.raises(Invalid):
        schedule.record_attendance(lecture, {fellow.email: "present"}, instructor)


def test_a_fellows_record_counts_taken_events_and_leaves_excused_ones_out(people):
    session, instructor, fellow = people["session"], people["instructor"], people["fellow"]
    second = enrol(session, email="second@example.org")
    events = [create_event(session, starts_at=START + timedelta(days=day)) for day in range(4)]
    create_event(session, starts_at=START + timedelta(days=9))  # not taken yet: not counted
    schedule.record_attendance(events[0], {fellow.email: "present", second.email: "present"}, instructor)
    schedule.record_attendance(events[1], {fellow.email: "present", second.email: "excused"}, instructor)
    schedule.record_attendance(events[2], {fellow.email: "absent"}, instructor)  # second not marked
    schedule.record_attendance(events[3], {fellow.email: "present"}, instructor)
    records = schedule.attendance_records(session, [fellow.id, second.id])
    assert (records[fellow.id].taken, records[fellow.id].present, records[fellow.id].percent) == (4, 3, 75)
    assert (records[second.id].counted, records[second.id].present, records[second.id].percent) == (3, 1, 33)
    own = schedule.fellow_attendance(session, second)
    assert [presence for _event, presence in own] == ["present", "excused", None, None]
