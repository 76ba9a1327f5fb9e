from .views import bp  # noqa: F401
from . import registrants_views  # noqa: F401,E402  (routes on `bp`: registrants, check-in)
from . import events_views  # noqa: F401,E402  (scheduling routes on bp)
from . import users_views  # noqa: F401,E402  (accounts, admins only: routes on bp)
from . import catalogue_views  # noqa: F401,E402  (Sub-councils, themes, venues, recommendations: routes on bp)
from ..reports import views as reports_views  # noqa: F401,E402  (/manage/reports: routes on bp)
