"""A training session's discussion: threads and replies among its people, unread
marks, subscriptions by email (each post or a daily digest) and moderation."""
