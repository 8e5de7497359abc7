"""A seeker's first day against the followup API, through the client that
openapi-python-client generates from openapi/openapi.json (the package
`followup_client`, made by scripts/clients.sh; see examples/README.md).

Register, add an opportunity at its final round, the hiring manager, and the
interview three days ago; read what to do next and the agenda; do the first
e-mail action and log it; read the agenda again and see it changed. Prints a
short log of the day. Exits non-zero on any unexpected status.

FOLLOWUP_BASE_URL names the server (default http://127.0.0.1:8080).
"""

import datetime as dt
import os
import sys
import time
import traceback
from http import HTTPStatus
from typing import Any, TypeVar

from followup_client import AuthenticatedClient, Client
from followup_client.api.auth import register
from followup_client.api.cadence import agenda, next_actions
from followup_client.api.contacts import create_contact
from followup_client.api.interactions import create_interaction
from followup_client.api.opportunities import create_opportunity
from followup_client.models import (
    ActionKind,
    Actions,
    ContactCreated,
    ContactRole,
    CreateContact,
    CreateInteraction,
    CreateOpportunity,
    InteractionCreated,
    InteractionKind,
    NextAction,
    OpportunityCreated,
    RegisterRequest,
    RegisterResponse,
    SignupRole,
    Stage,
)
from followup_client.types import Response

BASE_URL = os.environ.get("FOLLOWUP_BASE_URL", "http://127.0.0.1:8080")

T = TypeVar("T")


class Unexpected(Exception):
    pass


def expect(step: str, want: HTTPStatus, kind: type[T], response: Response[Any]) -> T:
    """The parsed body of a documented success; anything else fails the day.

    Documented errors parse into `Problem`; undocumented statuses leave
    `parsed` as None (or raise, with `raise_on_unexpected_status`)."""
    if response.status_code != want or not isinstance(response.parsed, kind):
        body = response.content.decode("utf-8", "replace")
        raise Unexpected(f"{step}: expected {int(want)}, got {int(response.status_code)}: {body}")
    return response.parsed


def show(title: str, items: list[NextAction]) -> None:
    print(f"{title}: {len(items)} action(s)")
    for a in items:
        subject = f' — "{a.draft.subject}"' if a.draft and a.draft.subject else ""
        channel = a.channel.value if a.channel else "any"
        print(f"    {a.due_at.isoformat()}  {a.action.value} [{a.priority.value}, {channel}]{subject}")


# What to log once an e-mail action is done.
ANSWERS = {
    ActionKind.SEND_INFLUENCE_LETTER: InteractionKind.INFLUENCE_LETTER,
    ActionKind.SEND_FOLLOW_UP_EMAIL: InteractionKind.FOLLOW_UP_EMAIL,
}


def main() -> None:
    stamp = format(time.time_ns() // 1000, "x")
    anonymous = Client(base_url=BASE_URL, raise_on_unexpected_status=True)

    registered = expect("register", HTTPStatus.CREATED, RegisterResponse, register.sync_detailed(
        client=anonymous,
        body=RegisterRequest(
            email=f"jane.{stamp}@example.com",
            password="a long passphrase",
            display_name="Jane Doe",
            role=SignupRole.SEEKER,
            timezone="America/New_York",
        ),
    ))
    user = registered.user
    # `User.role` is a plain string in the spec (`seeker`, `coach` or `admin`),
    # not an enum like the request's `SignupRole`, so it has no `.value`.
    print(f"registered {user.display_name} <{user.email}> as a {user.role}")

    # Every later call carries the access token.
    api = AuthenticatedClient(base_url=BASE_URL, token=registered.access_token, raise_on_unexpected_status=True)

    opp = expect("create opportunity", HTTPStatus.CREATED, OpportunityCreated, create_opportunity.sync_detailed(
        client=api,
        body=CreateOpportunity(company="Hearst Digital", title="Senior Editor", stage=Stage.FINAL),
    )).opportunity
    print(f"opportunity: {opp.title} at {opp.company}, stage {opp.stage.value}")

    contact = expect("add contact", HTTPStatus.CREATED, ContactCreated, create_contact.sync_detailed(
        opp.id,
        client=api,
        body=CreateContact(name="Sam Boss", role=ContactRole.HIRING_MANAGER, email="sam.boss@example.com"),
    )).contact
    print(f"contact: {contact.name} ({contact.role.value}) <{contact.email or 'no e-mail'}>")

    three_days_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=3)
    interview = expect("log interview", HTTPStatus.CREATED, InteractionCreated, create_interaction.sync_detailed(
        opp.id,
        client=api,
        body=CreateInteraction(kind=InteractionKind.INTERVIEW, contact_id=contact.id, occurred_at=three_days_ago),
    )).interaction
    print(f"logged: {interview.kind.value} with {contact.name} at {interview.occurred_at.isoformat()}")

    nexts = expect("next actions", HTTPStatus.OK, Actions, next_actions.sync_detailed(opp.id, client=api))
    show(f"next actions for {opp.company}", nexts.items)

    before = expect("agenda", HTTPStatus.OK, Actions, agenda.sync_detailed(client=api))
    show("agenda", before.items)

    todo = next((a for a in before.items if a.action in ANSWERS), None)
    if todo is None:
        raise Unexpected("no e-mail action on the agenda after an interview")
    print(f"doing: {todo.action.value} ({todo.reason})")
    if todo.draft:
        print(f"    subject: {todo.draft.subject or '(none)'}")

    done = expect("log what was done", HTTPStatus.CREATED, InteractionCreated, create_interaction.sync_detailed(
        opp.id,
        client=api,
        body=CreateInteraction(
            kind=ANSWERS[todo.action],
            contact_id=todo.contact_id if isinstance(todo.contact_id, str) else contact.id,
            notes="Sent from the first-day example.",
        ),
    ))
    print(f"logged: {done.interaction.kind.value} at {done.interaction.occurred_at.isoformat()}")
    for w in done.warnings:
        print(f"    warning {w.code}: {w.message}")

    after = expect("agenda again", HTTPStatus.OK, Actions, agenda.sync_detailed(client=api))
    show("agenda now", after.items)
    if any(a.id == todo.id for a in after.items):
        raise Unexpected(f"the agenda still lists {todo.action.value} ({todo.id}) after it was logged")
    if [a.id for a in after.items] == [a.id for a in before.items]:
        raise Unexpected("the agenda did not change")
    print("python example: the day went as planned")


if __name__ == "__main__":
    try:
        main()
    except Unexpected as err:
        print(f"python example FAILED: {err}", file=sys.stderr)
        sys.exit(1)
    except Exception:  # noqa: BLE001 - any failure fails the day
        traceback.print_exc()
        print("python example FAILED", file=sys.stderr)
        sys.exit(1)
