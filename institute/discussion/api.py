"""A session's discussion behind JSON (DESIGN §10 "Cohort life")."""

from flask import jsonify

from ..access import ANY_USER
from ..api import ApiBlueprint, current_api_user, json_body
from ..api.schemas import COUNT, DATE_TIME, ID, STRING, array, enum_of, line, nullable, obj, text
from . import services
from .models import Delivery
from .serializers import post_json, thread_json

discussion_api = ApiBlueprint("discussion_api", __name__)

PERSON = nullable(obj({"id": ID, "name": STRING}, required=["id", "name"]))
THREAD = obj({
    "id": ID, "session": ID, "title": STRING, "author": PERSON, "created_at": DATE_TIME,
    "last_post_at": DATE_TIME, "locked": {"type": "boolean"}, "post_count": nullable(COUNT),
    "unread": nullable(COUNT), "url": STRING,
}, required=["id", "session", "title", "author", "created_at", "last_post_at", "locked", "post_count", "unread", "url"])
POST = obj({
    "id": ID, "thread": ID, "author": PERSON, "body": nullable(STRING), "html": nullable(STRING),
    "created_at": DATE_TIME, "edited_at": nullable(DATE_TIME), "hidden": {"type": "boolean"},
    "hidden_by": PERSON, "hidden_at": nullable(DATE_TIME), "hidden_reason": nullable(STRING),
}, required=["id", "thread", "author", "body", "html", "created_at", "edited_at", "hidden", "hidden_by",
             "hidden_at", "hidden_reason"])
THREAD_WITH_POSTS = {**THREAD, "properties": {**THREAD["properties"], "posts": array(POST)},
                     "required": [*THREAD["required"], "posts"]}
BODY = text(services.LONGEST_POST, 1)
PEOPLE = "Not one of the session's people"


def _thread_answer(thread, user) -> dict:
    session = services.session_of(thread)
    moderator = services.may_moderate(user, session)
    posts = services.posts_of(thread)
    line = services.ThreadLine(thread, len(posts), services.unread_in(thread, user), posts[-1].id if posts else 0)
    return {**thread_json(thread, line), "posts": [post_json(p, moderator) for p in posts]}


@discussion_api.endpoint(
    "/sessions/<int:session_id>/threads", ["GET"], access=ANY_USER,
    summary="A session's discussion: its threads, latest first, with the caller's unread counts",
    responses={200: "{threads}", 401: "No or bad token", 403: PEOPLE, 404: "Unknown session"},
    returns=obj({"threads": array(THREAD)}, required=["threads"]),
)
def list_threads(session_id: int):
    user = current_api_user()
    session = services.forum_for(session_id, user)
    return jsonify({"threads": [thread_json(line.thread, line) for line in services.threads_of(session, user)]})


@discussion_api.endpoint(
    "/sessions/<int:session_id>/threads", ["POST"], access=ANY_USER,
    summary="Start a thread {title, body (Markdown)}; its author follows it by email",
    body=obj({"title": line(services.LONGEST_TITLE, 1), "body": BODY}, required=["title", "body"],
             additional=False),
    responses={201: "The thread with its first post", 400: "Malformed", 401: "No or bad token", 403: PEOPLE,
               404: "Unknown session", 422: "Invalid fields"},
    returns=THREAD_WITH_POSTS,
)
def create_thread(session_id: int):
    user = current_api_user()
    session = services.forum_for(session_id, user)
    thread = services.start_thread(session, user, json_body())
    return jsonify(_thread_answer(thread, user)), 201


@discussion_api.endpoint(
    "/threads/<int:thread_id>", ["GET"], access=ANY_USER,
    summary="A thread with its posts (a hidden post's words only for moderators)",
    responses={200: "The thread with its posts", 401: "No or bad token", 403: PEOPLE, 404: "Unknown thread"},
    returns=THREAD_WITH_POSTS,
)
def get_thread(thread_id: int):
    user = current_api_user()
    return jsonify(_thread_answer(services.thread_for(thread_id, user), user))


@discussion_api.endpoint(
    "/threads/<int:thread_id>/posts", ["POST"], access=ANY_USER,
    summary="Reply in a thread {body (Markdown)}",
    body=obj({"body": BODY}, required=["body"], additional=False),
    responses={201: "The post", 400: "Malformed", 401: "No or bad token", 403: PEOPLE, 404: "Unknown thread",
               409: "The thread is locked", 422: "Invalid fields"},
    returns=POST,
)
def create_post(thread_id: int):
    user = current_api_user()
    thread = services.thread_for(thread_id, user, "post")
    post = services.reply(thread, user, json_body())
    return jsonify(post_json(post, services.may_moderate(user, services.session_of(thread)))), 201


@discussion_api.endpoint(
    "/posts/<int:post_id>", ["PATCH"], access=ANY_USER,
    summary="Edit one's own post {body}, within 30 minutes of posting; it is marked edited",
    body=obj({"body": BODY}, required=["body"], additional=False),
    responses={200: "The post", 400: "Malformed", 401: "No or bad token", 403: "Not the post's author",
               404: "Unknown post", 409: "Too late, hidden, or the thread is locked", 422: "Invalid fields"},
    returns=POST,
)
def edit_post(post_id: int):
    user = current_api_user()
    post = services.post_for(post_id, user, "edit")
    return jsonify(post_json(services.edit_post(post, user, json_body()), False))


@discussion_api.endpoint(
    "/posts/<int:post_id>/hide", ["POST"], access=ANY_USER,
    summary="Hide a post {reason} (the session's instructors and admins); it is kept",
    body=obj({"reason": text(services.LONGEST_REASON, 1)}, required=["reason"], additional=False),
    responses={200: "The post", 400: "Malformed", 401: "No or bad token",
               403: "Not the session's instructor or an admin", 404: "Unknown post", 422: "No reason"},
    returns=POST,
)
def hide_post(post_id: int):
    user = current_api_user()
    post = services.post_for(post_id, user, "hide")
    return jsonify(post_json(services.hide_post(post, user, json_body()["reason"]), True))


@discussion_api.endpoint(
    "/posts/<int:post_id>/unhide", ["POST"], access=ANY_USER,
    summary="Show a hidden post again (the session's instructors and admins)",
    responses={200: "The post", 401: "No or bad token", 403: "Not the session's instructor or an admin",
               404: "Unknown post"},
    returns=POST,
)
def unhide_post(post_id: int):
    post = services.post_for(post_id, current_api_user(), "hide")
    return jsonify(post_json(services.unhide_post(post), True))


LOCK_RESPONSES = {200: "The thread", 401: "No or bad token", 403: "Not the session's instructor or an admin",
                  404: "Unknown thread"}


@discussion_api.endpoint(
    "/threads/<int:thread_id>/lock", ["POST"], access=ANY_USER,
    summary="Lock a thread: no new posts (the session's instructors and admins)",
    responses=LOCK_RESPONSES, returns=THREAD,
)
def lock_thread(thread_id: int):
    user = current_api_user()
    return jsonify(thread_json(services.lock_thread(services.thread_for(thread_id, user, "moderate"), user)))


@discussion_api.endpoint(
    "/threads/<int:thread_id>/unlock", ["POST"], access=ANY_USER,
    summary="Unlock a thread (the session's instructors and admins)",
    responses=LOCK_RESPONSES, returns=THREAD,
)
def unlock_thread(thread_id: int):
    return jsonify(thread_json(services.unlock_thread(services.thread_for(thread_id, current_api_user(), "moderate"))))


SUBSCRIPTION = obj({"session": ID, "thread": nullable(ID), "delivery": nullable(enum_of(Delivery))},
                   required=["session", "thread", "delivery"])
DELIVERY_BODY = obj({"delivery": enum_of(Delivery)}, required=["delivery"], additional=False)


def _subscription_json(session, thread, user) -> dict:
    sub = services.subscription_of(user, session, thread)
    return {"session": session.id, "thread": thread.id if thread else None,
            "delivery": sub.delivery if sub else None}


@discussion_api.endpoint(
    "/sessions/<int:session_id>/subscription", ["PUT"], access=ANY_USER,
    summary="Follow a session's whole discussion by email {delivery: each-post | daily-digest}",
    body=DELIVERY_BODY,
    responses={200: "The subscription", 400: "Malformed", 401: "No or bad token", 403: PEOPLE,
               404: "Unknown session", 422: "Invalid fields"},
    returns=SUBSCRIPTION,
)
def follow_forum(session_id: int):
    user = current_api_user()
    session = services.forum_for(session_id, user)
    services.subscribe(user, session, None, json_body()["delivery"])
    return jsonify(_subscription_json(session, None, user))


@discussion_api.endpoint(
    "/sessions/<int:session_id>/subscription", ["DELETE"], access=ANY_USER,
    summary="Stop following a session's whole discussion",
    responses={200: "The subscription (delivery null)", 401: "No or bad token", 403: PEOPLE,
               404: "Unknown session"},
    returns=SUBSCRIPTION,
)
def unfollow_forum(session_id: int):
    user = current_api_user()
    session = services.forum_for(session_id, user)
    services.unsubscribe(user, session, None)
    return jsonify(_subscription_json(session, None, user))


@discussion_api.endpoint(
    "/threads/<int:thread_id>/subscription", ["PUT"], access=ANY_USER,
    summary="Follow a thread by email {delivery: each-post | daily-digest}",
    body=DELIVERY_BODY,
    responses={200: "The subscription", 400: "Malformed", 401: "No or bad token", 403: PEOPLE,
               404: "Unknown thread", 422: "Invalid fields"},
    returns=SUBSCRIPTION,
)
def follow_thread(thread_id: int):
    user = current_api_user()
    thread = services.thread_for(thread_id, user)
    session = services.session_of(thread)
    services.subscribe(user, session, thread, json_body()["delivery"])
    return jsonify(_subscription_json(session, thread, user))


@discussion_api.endpoint(
    "/threads/<int:thread_id>/subscription", ["DELETE"], access=ANY_USER,
    summary="Stop following a thread",
    responses={200: "The subscription (delivery null)", 401: "No or bad token", 403: PEOPLE,
               404: "Unknown thread"},
    returns=SUBSCRIPTION,
)
def unfollow_thread(thread_id: int):
    user = current_api_user()
    thread = services.thread_for(thread_id, user)
    session = services.session_of(thread)
    services.unsubscribe(user, session, thread)
    return jsonify(_subscription_json(session, thread, user))
