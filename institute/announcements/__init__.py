"""What a session's instructors and admins tell its whole cohort."""
