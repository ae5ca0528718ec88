"""A training session's schedule: lectures, field trips and deadlines, each user's
private calendar feed, and attendance at on-site events."""
