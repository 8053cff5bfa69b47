"""Reads a submitted modal's state into plain Python values by block id."""

from __future__ import annotations

import json
from typing import Any

from hiring.errors import DomainError


def values(view: dict[str, Any]) -> dict[str, Any]:
    """`{block_id: value}` for every input: text, option value(s), user(s), channel, date or time."""
    result: dict[str, Any] = {}
    state = (view.get("state") or {}).get("values") or {}
    for block_id, actions in state.items():
        for element in actions.values():
            result[block_id] = element_value(element)
    return result


def element_value(element: dict[str, Any]) -> Any:
    kind = element.get("type")
    if kind in ("static_select", "external_select", "radio_buttons"):
        option = element.get("selected_option")
        return option.get("value") if option else None
    if kind in ("multi_static_select", "checkboxes", "multi_external_select"):
        return [o.get("value") for o in element.get("selected_options") or []]
    if kind == "users_select":
        return element.get("selected_user")
    if kind == "multi_users_select":
        return list(element.get("selected_users") or [])
    if kind == "conversations_select":
        return element.get("selected_conversation")
    if kind == "channels_select":
        return element.get("selected_channel")
    if kind == "datepicker":
        return element.get("selected_date")
    if kind == "timepicker":
        return element.get("selected_time")
    value = element.get("value")
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


class StaleForm(DomainError):
    """A submitted modal lacks what Loopbot put in it (tampered, or from an older version)."""

    def __init__(self) -> None:
        super().__init__(
            "This form is incomplete or out of date. Close it and open it again from `/interview`."
        )


class Metadata(dict[str, Any]):
    """private_metadata as a dict whose missing keys are a clear error, not a KeyError."""

    def __missing__(self, key: str) -> Any:
        raise StaleForm()


def metadata(view: dict[str, Any]) -> Metadata:
    """The modal's private_metadata (JSON); empty when missing or malformed."""
    raw = view.get("private_metadata") or ""
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return Metadata()
    return Metadata(data) if isinstance(data, dict) else Metadata()


def text(vals: dict[str, Any], key: str) -> str:
    value = vals.get(key)
    return value if isinstance(value, str) else ""
