"""Accounts under /manage/users (admins only): list, invite, change, deactivate.

Routes on the chair and admin blueprint (`views.bp`); each carries
`admin_required`. Every change writes an audit entry (council None: an
account is the partnership's, not one Sub-council's) in the same
transaction as the change and, for an invitation, its mail in the outbox.
"""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from ..accounts import services as accounts
from ..accounts.models import Role, User
from ..councils.models import SubCouncil
from ..extensions import db
from ..timeutil import now_utc
from . import audit
from .event_forms import add_error
from .permissions import admin_required
from .user_forms import InviteForm, UserForm
from .views import bp

SELF_DEACTIVATE = _l("You cannot deactivate your own account.")
LAST_ADMIN = _l("This is the last active administrator: make another account an administrator first.")


def _councils() -> list[SubCouncil]:
    return list(db.session.scalars(select(SubCouncil).order_by(SubCouncil.position, SubCouncil.name)))


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _other_active_admins(user: User) -> int:
    return db.session.scalar(
        select(func.count()).select_from(User).where(
            User.role == Role.ADMIN.value, User.is_active.is_(True), User.id != user.id)) or 0


def _snapshot(user: User) -> dict:
    return {"name": user.name, "role": user.role, "councils": sorted(user.council_ids),
            "is_active": user.is_active}


def _picked(form, councils) -> list[SubCouncil]:
    wanted = set(form.councils.data or [])
    return [c for c in councils if c.id in wanted]


@bp.get("/users")
@admin_required
def users():
    # One query: each account's Sub-councils come with it through the join.
    rows = db.session.execute(
        select(User).outerjoin(User.councils).options(contains_eager(User.councils))
        .order_by(User.is_active.desc(), func.lower(User.name), User.id, SubCouncil.position)
        .execution_options(populate_existing=True)
    ).unique().scalars().all()
    return render_template("manage/users/list.html", users=rows)


def _render_invite(form, status=200):
    return render_template("manage/users/invite.html", form=form), status


@bp.route("/users/invite", methods=["GET", "POST"])
@admin_required
def invite_user():
    councils = _councils()
    form = InviteForm()
    form.set_councils(councils)
    if request.method == "GET":
        return _render_invite(form)
    if form.validate_on_submit():
        now = now_utc()
        picked = _picked(form, councils) if form.role.data == Role.CHAIR.value else []
        try:
            user, _message = accounts.invite(
                db.session, form.email.data, form.name.data, form.role.data, picked,
                invited_by=current_user._get_current_object(), now=now)
        except accounts.DuplicateEmail as error:
            db.session.rollback()
            add_error(form, "email", error.message)
        except accounts.AccountError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            audit.record(db.session, actor=current_user, action="user.invite", target_type="user",
                         target_id=user.id, council_id=None,
                         summary=f"{user.name} <{user.email}>",
                         after={"email": user.email, **_snapshot(user)}, now=now)
            db.session.commit()
            flash(gettext("%(name)s is invited: the invitation is on its way to %(email)s.",
                          name=user.name, email=user.email), "info")
            return redirect(url_for("manage.users"), 303)
    return _render_invite(form, status=400)


def _render_edit(form, user, status=200):
    return render_template("manage/users/edit.html", form=form, user=user), status


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_user(user_id: int):
    user = _user_or_404(user_id)
    councils = _councils()
    form = UserForm(obj=user if request.method == "GET" else None)
    form.set_councils(councils)
    if request.method == "GET":
        form.councils.data = sorted(user.council_ids)
        return _render_edit(form, user)
    if form.validate_on_submit():
        demoted = user.role == Role.ADMIN.value and form.role.data != Role.ADMIN.value
        # Reachable when an admin gives up their own role (anyone else's
        # demotion leaves the admin doing it).
        if demoted and user.is_active and _other_active_admins(user) == 0:
            add_error(form, "role", LAST_ADMIN)
        else:
            before = _snapshot(user)
            user.name = form.name.data
            user.role = form.role.data
            user.councils = (_picked(form, councils) if user.role == Role.CHAIR.value else [])
            old, new = audit.changed_fields(before, _snapshot(user))
            if old or new:
                now = now_utc()
                audit.record(db.session, actor=current_user, action="user.update",
                             target_type="user", target_id=user.id, council_id=None,
                             summary=f"{user.name} <{user.email}>", before=old, after=new, now=now)
            db.session.commit()
            flash(gettext("The account of %(name)s is saved.", name=user.name), "info")
            if not user.is_admin and user.id == current_user.id:
                return redirect(url_for("manage.dashboard"), 303)  # no longer theirs to see
            return redirect(url_for("manage.users"), 303)
    return _render_edit(form, user, status=400)


@bp.post("/users/<int:user_id>/deactivate")
@admin_required
def deactivate_user(user_id: int):
    user = _user_or_404(user_id)
    if user.id == current_user.id:
        flash(str(SELF_DEACTIVATE), "error")
    elif not user.is_active:
        flash(gettext("This account is already deactivated."), "info")
    elif user.is_admin and _other_active_admins(user) == 0:
        flash(str(LAST_ADMIN), "error")
    else:
        user.is_active = False
        audit.record(db.session, actor=current_user, action="user.deactivate", target_type="user",
                     target_id=user.id, council_id=None, summary=f"{user.name} <{user.email}>",
                     before={"is_active": True}, after={"is_active": False}, now=now_utc())
        db.session.commit()
        flash(gettext("The account of %(name)s is deactivated: they can no longer sign in.",
                      name=user.name), "info")
    return redirect(url_for("manage.users"), 303)


@bp.post("/users/<int:user_id>/reactivate")
@admin_required
def reactivate_user(user_id: int):
    user = _user_or_404(user_id)
    if user.is_active:
        flash(gettext("This account is already active."), "info")
    else:
        user.is_active = True
        audit.record(db.session, actor=current_user, action="user.reactivate", target_type="user",
                     target_id=user.id, council_id=None, summary=f"{user.name} <{user.email}>",
                     before={"is_active": False}, after={"is_active": True}, now=now_utc())
        db.session.commit()
        flash(gettext("The account of %(name)s is active again.", name=user.name), "info")
    return redirect(url_for("manage.users"), 303)


@bp.post("/users/<int:user_id>/resend")
@admin_required
def resend_invitation(user_id: int):
    user = _user_or_404(user_id)
    if user.has_password:
        flash(gettext("%(name)s has already accepted the invitation.", name=user.name), "info")
    elif not user.is_active:
        flash(gettext("This account is deactivated: reactivate it before sending the invitation again."),
              "error")
    else:
        now = now_utc()
        accounts.send_invitation(db.session, user, current_user._get_current_object(), now)
        audit.record(db.session, actor=current_user, action="user.invite", target_type="user",
                     target_id=user.id, council_id=None,
                     summary=f"{user.name} <{user.email}> (sent again)", now=now)
        db.session.commit()
        flash(gettext("The invitation is sent again to %(email)s.", email=user.email), "info")
    return redirect(url_for("manage.users"), 303)
