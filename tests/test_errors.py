"""When something breaks, the reader gets a page in their language, not a stack trace."""


def test_an_unexpected_error_shows_the_friendly_500_page(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    client = app.test_client()
    response = client.get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Something went wrong" in body
    assert "secret internals" not in body and "Traceback" not in body

    french = client.get("/boom?lang=fr").get_data(as_text=True)
    assert "Un problème est survenu" in french


def test_a_wrong_method_gets_a_page(client):
    response = client.post("/events")
    assert response.status_code == 405
    assert "This address does not accept this kind of request." in response.get_data(as_text=True)
