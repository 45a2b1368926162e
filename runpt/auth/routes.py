from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from runpt.auth import bp
from runpt.auth.accounts import authenticate, password_error, register
from runpt.extensions import db

SAFETY_NOTICE = (
    "runpt is exercise guidance, not a diagnosis. Stop an exercise on sharp or worsening "
    "pain; see a clinician for pain that lasts, swelling, numbness, or pain at night."
)


def safe_next(default: str) -> str:
    """Only a path on this site: never an open redirect to another host."""
    target = request.values.get("next", "")
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return default


@bp.route("/register", methods=["GET", "POST"])
def register_view():
    errors, email = {}, ""
    if request.method == "POST":
        email = request.form.get("email", "")
        user, errors = register(email, request.form.get("password", ""))
        if user is not None:
            login_user(user, remember=True)
            flash(SAFETY_NOTICE, "safety")
            return redirect(url_for("routines.home"))
    status = 400 if errors else 200
    return render_template("auth/register.html", errors=errors, email=email), status


@bp.route("/login", methods=["GET", "POST"])
def login():
    errors, email = {}, ""
    if request.method == "POST":
        email = request.form.get("email", "")
        user = authenticate(email, request.form.get("password", ""))
        if user is not None:
            login_user(user, remember=bool(request.form.get("remember")))
            return redirect(safe_next(url_for("routines.home")))
        # One message for both cases, so the form never tells whether an email is registered.
        errors["password"] = "Email or password is not right. Check both and try again."
    status = 400 if errors else 200
    return render_template("auth/login.html", errors=errors, email=email), status


@bp.post("/logout")
def logout():
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    errors = {}
    if request.method == "POST":
        if not current_user.check_password(request.form.get("current_password", "")):
            errors["current_password"] = "That is not your current password."
        new = request.form.get("new_password", "")
        if problem := password_error(new):
            errors["new_password"] = problem
        if not errors:
            current_user.set_password(new)
            db.session.commit()
            flash("Password changed.", "info")
            return redirect(url_for("routines.home"))
    status = 400 if errors else 200
    return render_template("auth/password.html", errors=errors), status
