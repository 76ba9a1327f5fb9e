"""Issue 12, row 13: `/healthz` (and any request) waits a bounded time for a
database that accepts connections and never answers, then says 503."""
import socket
import threading

from dbsetup import config_for, dispose_engines
from events_app import create_app


def test_a_silent_database_gives_503_not_a_hung_request():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        accepted = []
        stop = threading.Event()

        def accept_and_say_nothing():
            listener.settimeout(0.2)
            while not stop.is_set():
                try:
                    accepted.append(listener.accept()[0])
                except OSError:
                    continue

        thread = threading.Thread(target=accept_and_say_nothing, daemon=True)
        thread.start()
        port = listener.getsockname()[1]
        config = type("Silent", (config_for(f"postgresql+psycopg://postgres@127.0.0.1:{port}/test"),),
                      {"DATABASE_CONNECT_TIMEOUT": 1})
        app = create_app(config)
        try:
            # In a thread with a deadline: without the timeout it would hang,
            # and the test must fail, not hang.
            answers = []
            request = threading.Thread(target=lambda: answers.append(app.test_client().get("/healthz")),
                                       daemon=True)
            request.start()
            request.join(timeout=30)
            assert answers, "/healthz is still waiting for the database"
            response = answers[0]
            assert response.status_code == 503
            assert response.get_json() == {"status": "error", "database": "unreachable"}
            assert accepted, "the app never tried the database"
        finally:
            stop.set()
            thread.join(timeout=5)
            for connection in accepted:
                connection.close()
            dispose_engines(app)


def test_postgresql_connections_carry_both_timeouts():
    app = create_app(config_for("postgresql+psycopg://postgres@127.0.0.1:1/test"))
    try:
        args = app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]
        assert args["connect_timeout"] == 5
        assert args["options"] == "-c statement_timeout=30000"
    finally:
        dispose_engines(app)
