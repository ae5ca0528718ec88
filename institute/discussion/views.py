"""Web pages of a session's discussion: the forum, a thread with its reply form, new
thread, edit and hide forms, following by email and the unsubscribe page of the emails."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import login_required
from ..errors import Conflict, DomainError, Invalid
from ..web import apply_errors, flash_error
from . import services
from .forms import EditForm, HideForm, PostForm, SubscriptionForm, ThreadForm
from .models import Delivery

discussion = Blueprint("discussion", __name__, template_folder="templates")
discussion.add_app_template_filter(services.new_posts_label, "new_posts")


def _thread_url(thread_id: int, post_id: int | None = None) -> str:
    return url_for("discussion.thread", thread_id=thread_id, _anchor=f"post-{post_id}" if post_id else None)


@discussion.route("/sessions/<int:session_id>/discussion")
@login_required
def forum(session_id: int):
    session = services.forum_for(session_id, current_user)
    form = SubscriptionForm()
    subscription = services.subscription_of(current_user, session)
    if subscription is not None:
        form.delivery.data = subscription.delivery
    return render_template("discussion/forum.html", session=session, form=form, subscription=subscription,
                           lines=services.threads_of(session, current_user),
                           may_moderate=services.may_moderate(current_user, session))


@discussion.route("/sessions/<int:session_id>/discussion/new", methods=["GET", "POST"])
@login_required
def new_thread(session_id: int):
    session = services.forum_for(session_id, current_user)
    form = ThreadForm()
    if form.validate_on_submit():
        try:
            thread = services.start_thread(session, current_user, {"title": form.title.data, "body": form.body.data})
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            flash(_("Your thread is started. You will get an email for each reply."), "success")
            return redirect(_thread_url(thread.id))
    return render_template("discussion/new_thread.html", session=session, form=form)


@discussion.route("/threads/<int:thread_id>")
@login_required
def thread(thread_id: int):
    """The thread and its reply form; opening it marks it read."""
    thread = services.thread_for(thread_id, current_user)
    return _thread_page(thread, PostForm())


def _thread_page(thread, form: PostForm, status: int = 200):
    session = services.session_of(thread)
    posts = services.posts_of(thread)
    services.mark_read(thread, current_user, posts[-1].id if posts else 0)
    subscription = services.subscription_of(current_user, session, thread)
    forum_subscription = None if subscription else services.subscription_of(current_user, session)
    follow = SubscriptionForm()
    if subscription is not None:
        follow.delivery.data = subscription.delivery
    editable = {post.id for post in posts if services.may_edit(post, thread, current_user)}
    return render_template("discussion/thread.html", thread=thread, session=session, posts=posts, form=form,
                           follow=follow, subscription=subscription, forum_subscription=forum_subscription,
                           editable=editable, may_moderate=services.may_moderate(current_user, session)), status


@discussion.route("/threads/<int:thread_id>/reply", methods=["POST"])
@login_required
def reply(thread_id: int):
    thread = services.thread_for(thread_id, current_user)
    form = PostForm()
    if form.validate_on_submit():
        try:
            services.thread_for(thread_id, current_user, "post")
            post = services.reply(thread, current_user, {"body": form.body.data})
        except Conflict as exc:
            flash_error(exc)
            return redirect(_thread_url(thread.id))
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            flash(_("Your reply is posted."), "success")
            return redirect(_thread_url(thread.id, post.id))
    return _thread_page(thread, form, 422)


@discussion.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(post_id: int):
    """The author's own post, within the time allowed; a refusal keeps what they typed."""
    form = EditForm()
    try:
        post = services.post_for(post_id, current_user, "edit")
    except Conflict as exc:
        if request.method != "POST":
            raise
        apply_errors(form, exc, "body")
        return render_template("discussion/edit.html", form=form, post=None, post_id=post_id), 409
    if request.method == "GET":
        form.body.data = post.body
    if form.validate_on_submit():
        try:
            services.edit_post(post, current_user, {"body": form.body.data})
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            flash(_("Your post is saved."), "success")
            return redirect(_thread_url(post.thread_id, post.id))
    return render_template("discussion/edit.html", form=form, post=post, post_id=post.id)


@discussion.route("/posts/<int:post_id>/hide", methods=["GET", "POST"])
@login_required
def hide_post(post_id: int):
    post = services.post_for(post_id, current_user, "hide")
    form = HideForm()
    if form.validate_on_submit():
        try:
            services.hide_post(post, current_user, form.reason.data)
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            flash(_("The post is hidden; it is kept, with your reason."), "info")
            return redirect(_thread_url(post.thread_id, post.id))
    return render_template("discussion/hide.html", form=form, post=post)


@discussion.route("/posts/<int:post_id>/unhide", methods=["POST"])
@login_required
def unhide_post(post_id: int):
    post = services.post_for(post_id, current_user, "hide")
    if SubscriptionForm().validate_on_submit():
        services.unhide_post(post)
        flash(_("The post is shown again."), "info")
    return redirect(_thread_url(post.thread_id, post.id))


@discussion.route("/threads/<int:thread_id>/lock", methods=["POST"])
@login_required
def lock(thread_id: int):
    thread = services.thread_for(thread_id, current_user, "moderate")
    if SubscriptionForm().validate_on_submit():
        services.lock_thread(thread, current_user)
        flash(_("The thread is locked: it takes no new posts."), "info")
    return redirect(_thread_url(thread.id))


@discussion.route("/threads/<int:thread_id>/unlock", methods=["POST"])
@login_required
def unlock(thread_id: int):
    thread = services.thread_for(thread_id, current_user, "moderate")
    if SubscriptionForm().validate_on_submit():
        services.unlock_thread(thread)
        flash(_("The thread is open again."), "info")
    return redirect(_thread_url(thread.id))


def _follow(session, thread, back: str):
    form = SubscriptionForm()
    if form.validate_on_submit():
        try:
            if request.form.get("stop") == "1":
                services.unsubscribe(current_user, session, thread)
                flash(_("You no longer get emails about it."), "info")
            else:
                services.subscribe(current_user, session, thread, form.delivery.data or Delivery.EACH_POST)
                flash(_("You get a daily digest of new posts.") if form.delivery.data == Delivery.DAILY_DIGEST
                      else _("You get an email for each new post."), "success")
        except DomainError as exc:
            flash_error(exc)
    return redirect(back)


@discussion.route("/sessions/<int:session_id>/discussion/subscription", methods=["POST"])
@login_required
def follow_forum(session_id: int):
    session = services.forum_for(session_id, current_user)
    return _follow(session, None, url_for("discussion.forum", session_id=session.id))


@discussion.route("/threads/<int:thread_id>/subscription", methods=["POST"])
@login_required
def follow_thread(thread_id: int):
    thread = services.thread_for(thread_id, current_user)
    return _follow(services.session_of(thread), thread, _thread_url(thread.id))


def _unsubscribe_page(session, thread):
    """Where an email's link leads: one button, so that no link checker unsubscribes anyone."""
    subscription = services.subscription_of(current_user, session, thread)
    done = False
    if request.method == "POST" and SubscriptionForm().validate_on_submit():
        done = services.unsubscribe(current_user, session, thread)
        subscription = None
    return render_template("discussion/unsubscribe.html", session=session, thread=thread,
                           subscription=subscription, done=done)


@discussion.route("/sessions/<int:session_id>/discussion/unsubscribe", methods=["GET", "POST"])
@login_required
def unsubscribe_forum(session_id: int):
    return _unsubscribe_page(services.forum_for(session_id, current_user), None)


@discussion.route("/threads/<int:thread_id>/unsubscribe", methods=["GET", "POST"])
@login_required
def unsubscribe_thread(thread_id: int):
    thread = services.thread_for(thread_id, current_user)
    return _unsubscribe_page(services.session_of(thread), thread)
