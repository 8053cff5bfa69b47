"""Reads a submitted modal's state into plain Python values by block id."""

from __future__ import annotations

import json
from typing import Any


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
    return value.strip() if isinstance(value, str) else value


def metadata(view: dict[str, Any]) -> dict[str, Any]:
    """The modal's private_metadata (JSON), or {} when missing or malformed."""
    raw = view.get("private_metadata") or ""
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def text(vals: dict[str, Any], key: str) -> str:
    value = vals.get(key)
    return value if isinstance(value, str) else ""
