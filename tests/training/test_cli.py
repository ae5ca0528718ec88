from datetime import date, timedelta

from institute.training import services as training


def test_create_session_and_enrol_from_csv(app, runner, make_user, tmp_path):
    make_user(email="admin@example.org", roles="admin")
    start = date.today() + timedelta(days=40)
    result = runner.invoke(args=["training", "create-session", "--title", "Kubuqi 2026",
                                 "--year", "2026", "--starts", str(start),
                                 "--ends", str(start + timedelta(days=14)), "--seats", "12"])
    assert result.exit_code == 0, result.output
    session_id = int(result.output.split("session ")[1].split(":")[0])
    csv = tmp_path / "cohort.csv"
    csv.write_text("email,name,country,partner\nana@example.org,Ana Quispe,PE,UNALM\n"
                   "bad,,XX,\n", encoding="utf-8")
    failed = runner.invoke(args=["training", "enrol", str(session_id), str(csv),
                                 "--admin", "admin@example.org"])
    assert failed.exit_code == 1 and "enrolment.csv:3" in failed.output
    csv.write_text("email,name,country,partner\nana@example.org,Ana Quispe,PE,UNALM\n",
                   encoding="utf-8")
    done = runner.invoke(args=["training", "enrol", str(session_id), str(csv),
                               "--admin", "admin@example.org"])
    assert done.exit_code == 0 and "Enrolled 1 fellows (1 invited" in done.output
    with app.app_context():
        assert training.accepted_count(training.get_session(session_id)) == 1


def test_create_session_reports_every_problem(runner):
    result = runner.invoke(args=["training", "create-session", "--title", "X", "--year", "1990",
                                 "--starts", "2026-09-10", "--ends", "2026-09-01"])
    assert result.exit_code == 1
    assert "year" in result.output and "ends_on" in result.output
