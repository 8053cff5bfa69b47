"""The demo's session: the sandbox it drives and what it prints after each step."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from bot.sandbox.fake_slack import FakeSlack
from bot.sandbox.harness import Sandbox
from bot.sandbox.transcript import blocks_text, readable, view_text
from hiring.outbox import Dispatcher, Source

Step = Callable[["Demo"], None]


def shown(where: str, lines: Iterable[str]) -> None:
    """Print where something is seen, then its lines."""
    print(f"  [{where}]", *(f"    {line}" for line in lines), sep="\n")


class Demo:
    """Runs the steps and prints what each person sees after each one."""

    def __init__(self, box: Sandbox) -> None:
        self.box = box
        self.fake: FakeSlack = box.fake
        self._seen_messages = 0
        self._seen_views: set[tuple[str, str]] = set()
        self._seen_homes: dict[str, str] = {}

    def name(self, user_id: str) -> str:
        return self.fake.users[user_id].real_name

    def step(self, title: str) -> None:
        print(f"\n### {title}")

    def say(self, user_id: str, text: str) -> None:
        print(f"\n> {self.name(user_id)} types: {text}")
        self.box.command(user_id, text)
        self.show()

    def submit(self, user_id: str, values: dict[str, object], note: str) -> None:
        print(f"\n> {self.name(user_id)} {note}")
        reply = self.box.submit(user_id, values)
        if reply.body:
            body = reply.json() or {}
            for field, problem in (body.get("errors") or {}).items():
                print(f"  ! modal error next to “{field}”: {readable(self.fake, problem)}")
        self.show()

    def click(self, user_id: str, action_id: str, value: str, note: str, **kw: object) -> None:
        print(f"\n> {self.name(user_id)} {note}")
        self.box.click(user_id, action_id, value, **kw)
        self.show()

    def tick(self, sources: list[Source]) -> None:
        """One tick of `sources` alone at the sandbox's now, then print what it changed."""
        services = self.box.app.services
        Dispatcher(self.box.app.db, self.box.clock, services.notifier, sources).tick()
        self.box.idle()
        self.show()

    def show(self) -> None:
        """Print everything new in the workspace since the last call."""
        new = self.fake.messages[self._seen_messages :]
        self._seen_messages = len(self.fake.messages)
        for message in new:
            if message.kind in ("ephemeral", "response"):
                where = f"only {self.name(message.user or '')} sees"
            elif message.channel.startswith("D"):
                user = "U" + message.channel[1:]
                where = f"DM to {self.name(user) if user in self.fake.users else user}"
            else:
                channel = self.fake.channels.get(message.channel)
                where = f"#{channel.name if channel else message.channel}"
            shown(
                where,
                blocks_text(self.fake, message.blocks) or readable(self.fake, message.text).splitlines(),
            )
        for view_id, view in list(self.fake.views.items()):
            key = (view_id, view.get("hash", ""))
            if key in self._seen_views:
                continue
            self._seen_views.add(key)
            owner = self.fake.view_owner.get(view_id, "?")
            shown(
                f"modal for {self.name(owner) if owner in self.fake.users else owner}",
                view_text(self.fake, view),
            )
        for user_id, home in self.fake.home_tabs.items():
            signature = str(home)
            if self._seen_homes.get(user_id) == signature:
                continue
            self._seen_homes[user_id] = signature
            shown(f"App Home of {self.name(user_id)}", blocks_text(self.fake, home.get("blocks", [])))

    def options(self, user_id: str, block_id: str) -> list[dict[str, object]]:
        view = self.fake.last_view(user_id) or {}
        block = next(b for b in view.get("blocks", []) if b.get("block_id") == block_id)
        return list(block["element"].get("options", []))
