# gunicorn reads this file from the folder it starts in (the project folder):
# access logs never show a personal link's token or a query string
# (events_app/logredact.py).
logger_class = "events_app.logredact.GunicornLogger"
