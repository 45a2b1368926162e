"""Account pages: register, log in and out, the account and its sign-ins, password,
deleting the account."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from runpt.auth.accounts import (
    LoginRefused,
    confirm_password,
    forget_account,
    hold_runner,
    is_email_address,
    log_in,
    normalise_email,
    password_error,
    registration_errors,
    sign_up,
)
from runpt.auth.devices import COOKIE as DEVICE_COOKIE
from runpt.auth.devices import end_other_devices, known_device, remember_device
from runpt.auth.next_page import marked_come_back, safe_next, wanted_next
from runpt.auth.signins import end_other_sign_ins, end_sign_in, sign_ins_of, start_sign_in
from runpt.extensions import db
from runpt.log.ingest import forget_runner as forget_logs
from runpt.pain import SAFETY_LINE
from runpt.reminders.models import forget_runner as forget_reminders
from runpt.routines.editing import forget_runner as forget_routines
from runpt.runner.models import forget_runner as forget_settings
from runpt.runner.models import settings_of
from runpt.security import referring_path, site_path
from runpt.sharing.links import forget_runner as forget_share_links
from runpt.sharing.links import links_of
from runpt.timestamps import utcnow

SAFETY_NOTICE = f"runpt is exercise guidance, not a diagnosis. {SAFETY_LINE}"
# On the login page, for a runner whose form was refused because they were signed out.
SIGNED_OUT = (
    "Your sign-in on this phone has ended, so nothing was changed. Log in to carry on "
    "from the page you were on."
)

bp = Blueprint("auth", __name__, url_prefix="/auth")


def sign_in(user, remember: bool, destination: str):
    """A new sign-in for this device, carried by the session (and remember-me) cookie;
    the browser is known for this account from now on (its own login allowance)."""
    if current_user.is_authenticated:
        end_sign_in(current_user)  # this browser's earlier sign-in, whoever's it was
    start_sign_in(user, remember, request.headers.get("User-Agent"))
    login_user(user, remember=remember)
    response = redirect(destination)
    remember_device(response, user, request.cookies.get(DEVICE_COOKIE))
    return response


def this_device(email: str) -> str | None:
    """This browser's device id when it has signed in to `email`'s account before. Text
    that can't be an address never reaches the database (PostgreSQL refuses a NUL)."""
    email = normalise_email(email)
    if not is_email_address(email):
        return None
    return known_device(request.cookies.get(DEVICE_COOKIE), email)


def after_sign_up(user, come_back: str | None = None) -> str:
    """The two first-run questions, so home can start with the routine that fits, then
    the page the runner signed up from (a routine's link, say); a runner who signed up
    again into an account that has answered them goes straight there, or home."""
    if settings_of(user).answered_at is None:
        return url_for("runner.first_run", next=come_back)
    return come_back or url_for("routines.home")


def login_first():
    """A signed-out request for what needs a runner (Flask-Login's unauthorized handler):
    the login page, and then back. A page comes back to itself. A form sent (a POST)
    can't be sent again after logging in, and its URL is no page (a 405): it comes back
    to the page that sends it, the view's own (`comes_back_to`) or the page it was sent
    from (Referer), where the runner finds it as they left it and sends it again."""
    if request.method in ("GET", "HEAD"):
        come_back = site_path(request.full_path.rstrip("?"))
    else:
        flash(SIGNED_OUT, "info")
        view = current_app.view_functions.get(request.endpoint or "")
        come_back = site_path(marked_come_back(view) or "") or referring_path(request)
    target = url_for("auth.login", next=come_back)
    if request.headers.get("HX-Request"):
        # htmx would follow a redirect and swap the login page into a part of this one.
        return "", 401, {"HX-Redirect": target}
    return redirect(target)


@bp.route("/register", methods=["GET", "POST"])
def register_view():
    errors, email, status = {}, "", 200
    come_back = wanted_next()
    if request.method == "POST":
        email = request.form.get("email", "")
        password = request.form.get("password", "")
        errors = registration_errors(email, password)
        status = 400 if errors else 200
        if not errors:
            limit = current_app.config["LOGIN_RATE_LIMIT"]
            try:
                user = sign_up(email, password, request.remote_addr, limit, this_device(email))
            except LoginRefused as refused:
                # Never "already exists": the same words for any refused sign-up.
                errors["password"], status = refused.message, refused.status
            else:
                flash(SAFETY_NOTICE, "safety")
                destination = after_sign_up(user, come_back)
                return sign_in(user, remember=True, destination=destination)
    page = render_template("auth/register.html", errors=errors, email=email, next=come_back)
    return page, status


@bp.route("/login", methods=["GET", "POST"])
def login():
    errors, email, status = {}, "", 200
    if request.method == "POST":
        email = request.form.get("email", "")
        password = request.form.get("password", "")
        limit = current_app.config["LOGIN_RATE_LIMIT"]
        try:
            user = log_in(email, password, request.remote_addr, limit, this_device(email))
        except LoginRefused as refused:
            # The same messages whether or not the email has an account.
            errors["password"], status = refused.message, refused.status
        else:
            remember = bool(request.form.get("remember"))
            return sign_in(user, remember, destination=safe_next(url_for("routines.home")))
    page = render_template("auth/login.html", errors=errors, email=email, next=wanted_next())
    return page, status


@bp.post("/logout")
def logout():
    # Ended on the server too: a saved copy of either cookie no longer signs anyone in.
    if current_user.is_authenticated:
        end_sign_in(current_user)
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    errors, status = {}, 200
    if request.method == "POST":
        new = request.form.get("new_password", "")
        if problem := password_error(new):
            errors["new_password"] = problem
        try:
            own_password(request.form.get("current_password", ""))
        except LoginRefused as refused:
            errors["current_password"], status = refused.message, refused.status
        if not errors:
            current_user.account().set_password(new)
            db.session.commit()
            # Whoever knew the old password is signed out everywhere but here, and any
            # device cookie they kept earns no more login attempts.
            end_other_devices(current_user.id, request.cookies.get(DEVICE_COOKIE))
            end_other_sign_ins(current_user)
            flash("Password changed. Every other device is signed out.", "info")
            # The account page: its open share links, each with a Revoke, in case one
            # was made by whoever had the old password.
            return redirect(url_for("auth.account"))
    if errors and status == 200:
        status = 400
    return render_template("auth/password.html", errors=errors), status


def own_password(password: str) -> None:
    """The signed-in runner's password typed again, counted like a login attempt
    (runpt/auth/accounts.py, `confirm_password`)."""
    limit = current_app.config["LOGIN_RATE_LIMIT"]
    device = this_device(current_user.email)
    confirm_password(current_user, password, request.remote_addr, limit, device)


@bp.route("/delete", methods=["GET", "POST"])
@login_required
def delete_account_view():
    """Delete the account and all its data, once the runner has typed their password."""
    errors, status = {}, 200
    if request.method == "POST":
        try:
            own_password(request.form.get("password", ""))
        except LoginRefused as refused:
            message = refused.message
            if refused.status == 400:
                message = "That is not your password. Nothing was deleted."
            errors["password"], status = message, refused.status
        else:
            runner_id = current_user.id
            delete_everything(current_user)
            logout_user()
            # Rendered, not redirected: this page itself tells the phone to drop the
            # runner's outbox and cached pages, with nothing left in the session to lose.
            return render_template("auth/deleted.html", forget_runner=runner_id)
    return render_template("auth/delete.html", errors=errors), status


@bp.get("/account")
@login_required
def account():
    """The runner's account: where they are signed in, and a way to end the others."""
    current = current_user.sign_in_id
    devices = sign_ins_of(current_user)
    now = utcnow()
    share_links = [link for link in links_of(current_user) if link.is_open(now)]
    return render_template(
        "auth/account.html", devices=devices, current=current, share_links=share_links
    )


@bp.post("/account/sign-out-others")
@login_required
def sign_out_others():
    end_other_devices(current_user.id, request.cookies.get(DEVICE_COOKIE))
    ended = end_other_sign_ins(current_user)
    devices = "device" if ended == 1 else "devices"
    flash(f"Signed out of {ended} other {devices}. This one stays signed in.", "info")
    return redirect(url_for("auth.account"))


def delete_everything(user) -> None:
    """Delete the runner and everything that is theirs, package by package, in one
    transaction: their logs and session summaries, their own routines, their settings
    (training days among them), their share links, their reminders and phones' push
    subscriptions, then the account with its sign-ins and known devices. The runner's row
    is held first, so a sync in flight either finishes before (and its rows go too) or
    finds no sign-in after (a 401)."""
    hold_runner(user.id)
    forget_logs(user.id)
    forget_routines(user.id)
    forget_settings(user.id)
    forget_share_links(user.id)
    forget_reminders(user.id)
    forget_account(user)
    db.session.commit()
