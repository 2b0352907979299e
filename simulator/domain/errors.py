"""Errors the domain raises; they carry a message for a human and no HTTP status."""

from __future__ import annotations


class DomainError(Exception):
    """A request the simulated deployment refuses."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ClientNotFound(DomainError):
    """No client has that clientid."""

    def __init__(self, clientid: str) -> None:
        super().__init__("Client ID not found")
        self.clientid = clientid


class InvalidTopicFilter(DomainError):
    """A topic filter breaks an MQTT rule."""

    def __init__(self, topic: str, rule: str) -> None:
        shown = topic if len(topic) <= 200 else topic[:200] + "..."
        super().__init__(f"invalid topic filter {shown!r}: {rule}")
        self.topic = topic
        self.rule = rule


class InvalidSubscribeOptions(DomainError):
    """Subscription options that MQTT forbids for that filter."""


class InvalidFilterValue(DomainError):
    """A list filter whose value cannot be read as its type."""

    def __init__(self, name: str, expected: str, value: str) -> None:
        super().__init__(f"the {name} parameter expected type is {expected}, but the value is {value}")
        self.name = name


class InvalidRequest(DomainError):
    """A request the simulator cannot carry out as given."""


class NotFound(DomainError):
    """No such thing (a fault rule, a scenario) where one was named."""


class UnknownNode(DomainError):
    """A node the cluster does not have, asked for by name."""

    def __init__(self, node: str) -> None:
        super().__init__(f'bad rpc call <<"{node}">>, Reason <<"invalid node">>')
        self.node = node


class InvalidParameter(DomainError):
    """A parameter value the server cannot use, said in EMQX's own words."""


class TooManyDeployments(DomainError):
    """A new isolated deployment past the most a server holds at once."""


class ClientBudgetExceeded(DomainError):
    """A new isolated deployment whose clients would take all of them past the server's client budget."""
