from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField
from wtforms.validators import NumberRange, Optional

from ..events.forms import EventFilterForm
from ..forms import Form

EMBED_LIMIT, EMBED_MAX = 10, 50


class EmbedForm(Form):
    """What an embedded list shows: the filters of `/events`, how many, and
    in which language (read from the query string of `/embed/events` and
    of `/share`, which writes that address)."""

    class Meta:
        csrf = False  # an address to link to and embed, not a change

    council = EventFilterForm.council
    theme = EventFilterForm.theme
    kind = EventFilterForm.kind
    language = EventFilterForm.language
    limit = IntegerField(_l("How many events"), default=EMBED_LIMIT,
                         validators=[Optional(), NumberRange(min=1, max=EMBED_MAX)],
                         render_kw={"min": 1, "max": EMBED_MAX, "inputmode": "numeric"})
    lang = SelectField(_l("Language of the list"), validators=[Optional()], validate_choice=True)

    set_filter_choices = EventFilterForm.set_choices

    def language_field(self):
        return self.lang

    def filters(self) -> dict:
        """The filters chosen, by their names in the addresses."""
        return {name: getattr(self, name).data for name in ("council", "theme", "kind", "language")
                if getattr(self, name).data}


class ShareForm(EmbedForm):
    """The share page's choices: the list's language has a name of its own,
    as `?lang=` chooses the language of the share page itself."""

    lang = None
    list_language = SelectField(_l("Language of the list"), validators=[Optional()], validate_choice=True)

    def language_field(self):
        return self.list_language
