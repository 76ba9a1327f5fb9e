"""Sub-councils, themes, venues (admins only) and recommendations under /manage.

Routes on the chair and admin blueprint (`views.bp`). Councils, themes and
venues carry `admin_required`; the list of recommendations is for everyone
signed in, a recommendation's edit page for admins and the chairs of its
Sub-council (`recommendation_or_403`), creating and deleting one for admins.
`catalogue_services` makes each change with its audit entry; each route
commits once. Public pages show the change at once: the page cache follows
these tables (`models.track_public_content`).
"""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from ..extensions import db
from ..timeutil import now_utc
from . import catalogue_services as services
from .catalogue_forms import council_form, recommendation_form, theme_form, venue_form
from .event_forms import add_error
from .event_services import FieldError
from .permissions import admin_required, is_admin, recommendation_or_403
from .views import bp

TEMPLATES = "manage/catalogue"


def _saved(kind: services.Kind, obj) -> str:
    if kind is services.COUNCIL:
        return gettext("The Sub-council “%(name)s” is saved.", name=obj.name)
    if kind is services.THEME:
        return gettext("The theme “%(name)s” is saved.", name=obj.name)
    if kind is services.VENUE:
        return gettext("The venue “%(name)s” is saved.", name=obj.name)
    return gettext("Recommendation %(code)s is saved.", code=obj.code)


def _deleted(kind: services.Kind, obj) -> str:
    if kind is services.COUNCIL:
        return gettext("The Sub-council “%(name)s” is deleted.", name=obj.name)
    if kind is services.THEME:
        return gettext("The theme “%(name)s” is deleted.", name=obj.name)
    if kind is services.VENUE:
        return gettext("The venue “%(name)s” is deleted.", name=obj.name)
    return gettext("Recommendation %(code)s is deleted.", code=obj.code)


def _apply_field_error(form, error: FieldError) -> None:
    if error.field in form:
        add_error(form, error.field, error.message)
    else:
        flash(str(error.message), "error")


def _or_404(kind: services.Kind, slug: str):
    found = services.by_slug(db.session, kind, slug)
    if found is None:
        abort(404)
    return found


# --- Sub-councils, themes, venues: the same three screens each ----------------------


def _form_page(kind, form, obj, status=200):
    return render_template(f"{TEMPLATES}/{kind.name}_form.html", form=form, item=obj), status


def _new(kind: services.Kind, form_class, list_endpoint: str):
    form = form_class()()
    form.setup_languages()
    if request.method == "POST" and form.validate_on_submit():
        obj = services.create(db.session, kind, form.values(),
                              actor=current_user._get_current_object(), now=now_utc())
        db.session.commit()
        flash(_saved(kind, obj), "info")
        return redirect(url_for(list_endpoint), 303)
    return _form_page(kind, form, None, 400 if request.method == "POST" else 200)


def _edit(kind: services.Kind, form_class, slug: str, list_endpoint: str):
    obj = _or_404(kind, slug)
    form = form_class()(obj=obj if request.method == "GET" else None)
    if request.method == "GET":
        form.fill_translations(obj)
    form.setup_languages()
    if request.method == "GET":
        if "position" in form:
            form.position.data = str(obj.position)
        return _form_page(kind, form, obj)
    if form.validate_on_submit():
        changed = services.update(db.session, kind, obj, form.values(),
                                  actor=current_user._get_current_object(), now=now_utc())
        db.session.commit()
        flash(_saved(kind, obj) if changed else gettext("Nothing was changed."), "info")
        return redirect(url_for(list_endpoint), 303)
    return _form_page(kind, form, obj, 400)


def _delete(kind: services.Kind, obj, list_endpoint: str, edit_url: str):
    try:
        services.delete(db.session, kind, obj, actor=current_user._get_current_object(),
                        now=now_utc())
    except services.InUse as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(edit_url, 303)
    message = _deleted(kind, obj)
    db.session.commit()
    flash(message, "info")
    return redirect(url_for(list_endpoint), 303)


@bp.get("/councils")
@admin_required
def councils():
    return render_template(f"{TEMPLATES}/councils.html", councils=services.councils(db.session))


@bp.route("/councils/new", methods=["GET", "POST"])
@admin_required
def new_council():
    return _new(services.COUNCIL, council_form, "manage.councils")


@bp.route("/councils/<slug>/edit", methods=["GET", "POST"])
@admin_required
def edit_council(slug: str):
    return _edit(services.COUNCIL, council_form, slug, "manage.councils")


@bp.post("/councils/<slug>/delete")
@admin_required
def delete_council(slug: str):
    return _delete(services.COUNCIL, _or_404(services.COUNCIL, slug), "manage.councils",
                   url_for("manage.edit_council", slug=slug))


@bp.get("/themes")
@admin_required
def themes():
    return render_template(f"{TEMPLATES}/themes.html", themes=services.themes(db.session))


@bp.route("/themes/new", methods=["GET", "POST"])
@admin_required
def new_theme():
    return _new(services.THEME, theme_form, "manage.themes")


@bp.route("/themes/<slug>/edit", methods=["GET", "POST"])
@admin_required
def edit_theme(slug: str):
    return _edit(services.THEME, theme_form, slug, "manage.themes")


@bp.post("/themes/<slug>/delete")
@admin_required
def delete_theme(slug: str):
    return _delete(services.THEME, _or_404(services.THEME, slug), "manage.themes",
                   url_for("manage.edit_theme", slug=slug))


@bp.get("/venues")
@admin_required
def venues():
    return render_template(f"{TEMPLATES}/venues.html", venues=services.venues(db.session))


@bp.route("/venues/new", methods=["GET", "POST"])
@admin_required
def new_venue():
    return _new(services.VENUE, venue_form, "manage.venues")


@bp.route("/venues/<slug>/edit", methods=["GET", "POST"])
@admin_required
def edit_venue(slug: str):
    return _edit(services.VENUE, venue_form, slug, "manage.venues")


@bp.post("/venues/<slug>/delete")
@admin_required
def delete_venue(slug: str):
    return _delete(services.VENUE, _or_404(services.VENUE, slug), "manage.venues",
                   url_for("manage.edit_venue", slug=slug))


# --- recommendations ---------------------------------------------------------------------


@bp.get("/recommendations")
def recommendations():
    """Every Sub-council's recommendations; a chair sees all, changes their own."""
    return render_template(f"{TEMPLATES}/recommendations.html",
                           groups=services.recommendation_groups(db.session, current_user),
                           is_admin=is_admin(current_user))


def _recommendation_form(*, recommendation=None):
    form = recommendation_form()()
    form.setup_languages()
    form.setup(services.councils(db.session), services.themes(db.session),
               may_move=is_admin(current_user), creating=recommendation is None)
    return form


def _recommendation_page(form, recommendation=None, status=200):
    return render_template(f"{TEMPLATES}/recommendation_form.html", form=form,
                           item=recommendation, is_admin=is_admin(current_user)), status


def _to_list(recommendation):
    return redirect(url_for("manage.recommendations", _anchor=f"rec-{recommendation.id}"), 303)


@bp.route("/recommendations/new", methods=["GET", "POST"])
@admin_required
def new_recommendation():
    form = _recommendation_form()
    if request.method == "GET":
        # "Add a recommendation" beside a Sub-council on the list picks it.
        wanted = services.by_slug(db.session, services.COUNCIL, request.args.get("council", ""))
        if wanted is not None:
            form.council.data = str(wanted.id)
        return _recommendation_page(form)
    if form.validate_on_submit():
        try:
            recommendation = services.create(
                db.session, services.RECOMMENDATION, form.values(),
                actor=current_user._get_current_object(), now=now_utc())
        except FieldError as error:
            db.session.rollback()
            _apply_field_error(form, error)
        else:
            db.session.commit()
            flash(_saved(services.RECOMMENDATION, recommendation), "info")
            return _to_list(recommendation)
    return _recommendation_page(form, status=400)


@bp.route("/recommendations/<code>/edit", methods=["GET", "POST"])
def edit_recommendation(code: str):
    recommendation = recommendation_or_403(code)
    form = _recommendation_form(recommendation=recommendation)
    if request.method == "GET":
        form.fill_from(recommendation)
        return _recommendation_page(form, recommendation)
    if form.validate_on_submit():
        try:
            changed = services.update(
                db.session, services.RECOMMENDATION, recommendation, form.values(),
                actor=current_user._get_current_object(), now=now_utc())
        except FieldError as error:
            db.session.rollback()
            _apply_field_error(form, error)
        else:
            db.session.commit()
            flash(_saved(services.RECOMMENDATION, recommendation) if changed
                  else gettext("Nothing was changed."), "info")
            return _to_list(recommendation)
    return _recommendation_page(form, recommendation, status=400)


@bp.post("/recommendations/<code>/delete")
@admin_required
def delete_recommendation(code: str):
    recommendation = services.recommendation_by_code(db.session, code)
    if recommendation is None:
        abort(404)
    return _delete(services.RECOMMENDATION, recommendation, "manage.recommendations",
                   url_for("manage.edit_recommendation", code=recommendation.code))
