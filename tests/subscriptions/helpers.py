"""Subscribing as a person does, and reading what arrives at the SMTP server."""
import email
import email.policy
import re

from sqlalchemy import select

from events_app.extensions import db
from events_app.mail.models import OutboxMessage
from events_app.mail.services import deliver_due
from events_app.subscriptions.models import Subscription
from htmltools import normalise


def form(**values):
    data = {"email": "amina@example.org", "language": "en", "consent": "y"}
    data.update(values)
    return {k: v for k, v in data.items() if v is not None}


def subscribe(client, headers=None, **values):
    return client.post("/subscribe", data=form(**values), headers=headers or {})


def text(response) -> str:
    html = re.sub(r"</?(a|strong|span|time|em)\b[^>]*>", "", response.get_data(as_text=True))
    return normalise(re.sub(r"<[^>]+>", " ", html))


def outbox(app, kind=None):
    with app.app_context():
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        rows = db.session.scalars(query).all()
        db.session.expunge_all()
        return rows


def kinds(app):
    return [(m.kind, m.to_address) for m in outbox(app)]


def token_in(message: OutboxMessage) -> str:
    return re.search(r"http://events\.test/subscriptions/([^/\s]+)", message.body_text).group(1)


def subscriptions(app):
    with app.app_context():
        return [(s.email_key, s.language, s.is_confirmed, sorted(c.slug for c in s.councils),
                 sorted(t.slug for t in s.themes))
                for s in db.session.scalars(select(Subscription).order_by(Subscription.id))]


def subscribe_and_confirm(client, app, **values) -> str:
    """A confirmed subscription; its token."""
    before = len(outbox(app, "subscription_confirm"))
    response = subscribe(client, **values)
    assert response.status_code == 303, text(response)
    message = outbox(app, "subscription_confirm")[before]
    token = token_in(message)
    assert client.post(f"/subscriptions/{token}/confirm").status_code == 303
    return token


def run_digests(runner, now):
    result = runner.invoke(args=["digests", "send", "--now", now.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def deliver(app, now):
    with app.app_context():
        return deliver_due(db.session, now)


def received(smtp_server):
    return [email.message_from_bytes(m["data"], policy=email.policy.default)
            for m in smtp_server.messages]


def plain(message) -> str:
    return normalise(message.get_body(("plain",)).get_content())


def html(message) -> str:
    return message.get_body(("html",)).get_content()
