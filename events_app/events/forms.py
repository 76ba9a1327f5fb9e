from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional, Regexp
from wtforms.widgets import Select

from ..forms import Form
from .models import KIND_LABELS, LANGUAGE_CODE


class KeptSelect(Select):
    """WTForms' `Select`, its HTML kept.

    `/events` writes the same four lists on every render (the same choices,
    the same labels in the reader's language, the same one selected), and
    WTForms takes about 40 µs an option to write one: a tenth of the page.
    The key is everything the HTML is made of; anything unusual (option
    groups, an attribute that cannot be a key) is written as WTForms writes it.
    """

    KEEP = 512
    _kept: dict = {}

    def __call__(self, field, **kwargs):
        if field.has_groups():
            return super().__call__(field, **kwargs)
        try:
            key = (
                field.name, field.id, self.multiple, tuple(sorted(kwargs.items())),
                tuple(getattr(field.flags, name, None) for name in sorted(self.validation_attrs)),
                tuple((value, str(label), selected, tuple(sorted((options or {}).items())))
                      for value, label, selected, options in field.iter_choices()),
            )
            found = self._kept.get(key)
        except TypeError:  # an attribute that cannot be hashed
            return super().__call__(field, **kwargs)
        if found is None:
            if len(self._kept) >= self.KEEP:
                self._kept.clear()
            found = self._kept[key] = super().__call__(field, **kwargs)
        return found


class EventFilterForm(Form):
    """The filters of `/events`, read from the query string (a GET form)."""

    class Meta:
        csrf = False  # a search, not a change: safe to link to and bookmark

    q = StringField(_l("Words"), validators=[Optional(), Length(max=200)],
                    description=_l("In the title or description, in any language."),
                    render_kw={"type": "search", "maxlength": 200})
    council = SelectField(_l("Sub-council"), validators=[Optional()], validate_choice=True,
                          widget=KeptSelect())
    theme = SelectField(_l("Theme"), validators=[Optional()], validate_choice=True, widget=KeptSelect())
    kind = SelectField(_l("Kind of event"), validators=[Optional()], validate_choice=True,
                       widget=KeptSelect())
    # Any language code is accepted in the address (an event may be held in
    # Punjabi); the list offers the site's languages.
    language = SelectField(
        _l("Held in or interpreted into"), validate_choice=False, widget=KeptSelect(),
        validators=[Optional(), Regexp(LANGUAGE_CODE, message=_l("Please choose a language from the list."))])
    from_ = DateField(
        _l("From"),
        name="from",
        validators=[Optional()],
        description=_l("Choose a date; typed by hand: year-month-day, for example 2027-03-07."),
    )

    def set_choices(self, councils, themes, languages) -> None:
        """`languages`: (code, name) of the languages to offer."""
        everything = [("", _l("All"))]
        offered = list(languages)
        asked = self.language.data
        if asked and LANGUAGE_CODE.match(asked) and asked not in dict(offered):
            offered.append((asked, asked))
        self.language.choices = [("", _l("Any language"))] + offered
        self.council.choices = everything + [(c.slug, c.localized("name")) for c in councils]
        self.theme.choices = everything + [(t.slug, t.localized("name")) for t in themes]
        self.kind.choices = everything + [(str(k), label) for k, label in KIND_LABELS.items()]
