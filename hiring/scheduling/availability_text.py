"""The one-field availability grammar: "Mon–Wed 9–12, Thu after 14:00" → local windows.

Pure: no clock, no storage; `today` is given. Parts are separated by commas, semicolons or new
lines; each part names days, then times, in the candidate's time zone, and every day of a part gets
every time range of that part.

Days: `Mon` … `Sun` (or full names, `Mondays`), ranges `Mon-Wed` / `Mon to Wed`, `weekdays`,
`weekend`, `today`, `tomorrow`, `next Mon` (that day of next week), `next week` (its weekdays),
dates `12 Jan`, `Jan 12`, `12 Jan 2027`, `2027-01-12`, date ranges `12-14 Jan`, `12 Jan - 3 Feb`;
several joined with `and`, `&` or `/`. A day name alone means its next occurrence whose time is not
over yet (so within a week); a date without a year is the nearest such date; `Tue 24 Nov` must name
the right weekday.

Times: `9-12`, `9:30-12:30`, `9am-1pm`, `10 to 12:30`, `between 9 and 12`, `after 14:00` (until
18:00), `before 11` (from 09:00), `morning` (09–12), `afternoon` (13–17), `evening` (17–20), `all day`
(09–17), `noon`; several joined with `and`. A part without a time is all day. A bare hour from 1 to 6
without am/pm is in the afternoon (`9-5` is 09:00–17:00; `05:00` stays 5 am).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time, timedelta

DAY_START, DAY_END = time(9), time(17)
AFTER_UNTIL, BEFORE_FROM = time(18), time(9)
PERIODS = {
    "morning": (time(9), time(12)),
    "afternoon": (time(13), time(17)),
    "evening": (time(17), time(20)),
    "allday": (DAY_START, DAY_END),
}
_DAY_ALIASES = (
    ("mon", "monday", "mo"),
    ("tue", "tuesday", "tues", "tu"),
    ("wed", "wednesday", "weds", "we"),
    ("thu", "thursday", "thur", "thurs", "th"),
    ("fri", "friday", "fr"),
    ("sat", "saturday", "sa"),
    ("sun", "sunday", "su"),
)
DAY_NAMES = {alias: i for i, names in enumerate(_DAY_ALIASES) for alias in names}
_MONTH_NAMES = "january february march april may june july august september october november december"
MONTHS = {alias: i + 1 for i, name in enumerate(_MONTH_NAMES.split()) for alias in (name[:3], name)} | {
    "sept": 9
}
FILLERS = {"and", "&", "/", "+", "on", "at", "from", "every", "each", "the", "of"}
EXAMPLE = "e.g. “Mon–Wed 9–12, Thu after 14:00” or “12 Jan 9:30–11; weekdays morning”"
_TOKENS = re.compile(
    r"(?P<iso>\d{4}-\d{1,2}-\d{1,2})|(?P<year>\d{4})(?!\d)"
    r"|(?P<time>\d{1,2}(?:[:.h]\d{2})?(?:\s*(?:am|pm)\b)?)(?!\d)"
    r"|(?P<word>[a-z]+)|(?P<dash>-)|(?P<other>\S)"
)
_SEPARATORS = re.compile(r"[,;\n]+")


class Unclear(Exception):
    """A part of the text that the grammar does not understand (the message names it)."""


@dataclass(frozen=True)
class Weekday:
    """A day name without a date: its next occurrence whose window is not over yet."""

    index: int


@dataclass(frozen=True)
class TextWindow:
    """One window as understood: a day (a date, or a weekday to place), a start and an end, and the
    part of the text it came from."""

    day: date | Weekday
    start: time
    end: time
    part: str


@dataclass
class _Part:
    text: str
    today: date
    tokens: list[tuple[str, str]] = field(default_factory=list)
    pos: int = 0
    days: list[date | Weekday] = field(default_factory=list)
    times: list[tuple[time, time]] = field(default_factory=list)

    def peek(self, ahead: int = 0) -> tuple[str, str]:
        at = self.pos + ahead
        return self.tokens[at] if at < len(self.tokens) else ("end", "")

    def take(self) -> tuple[str, str]:
        token = self.peek()
        self.pos += 1
        return token

    def unclear(self, what: str, why: str = "") -> Unclear:
        reason = f" ({why})" if why else ""
        return Unclear(f"I did not understand “{what}” in “{self.text}”{reason}.")


def _normalise(text: str) -> str:
    text = text.lower().replace("–", "-").replace("—", "-").replace("−", "-")
    text = text.replace("a.m.", "am").replace("p.m.", "pm")
    text = re.sub(r"\b(to|till|til|until|through|thru)\b", " - ", text)
    text = re.sub(r"\b(all|whole)\s+day\b|\bany\s*time\b", " allday ", text)
    return re.sub(r"\bnoon\b|\bmidday\b", " 12:00 ", text)


def split_parts(text: str) -> list[str]:
    """The parts of the text (separated by commas, semicolons or new lines), stripped."""
    return [p.strip() for p in _SEPARATORS.split(text) if p.strip()]


def parse_text(text: str, today: date) -> list[TextWindow]:
    """Every window the text names; raises `Unclear` naming the part it did not understand."""
    windows: list[TextWindow] = []
    for raw in split_parts(text):
        part = _Part(text=raw, today=today)
        part.tokens = [(m.lastgroup or "other", m.group().strip()) for m in _TOKENS.finditer(_normalise(raw))]
        while part.peek()[0] != "end":
            _item(part)
        if not part.days:
            raise Unclear(f"“{raw}” names no day: start it with one, e.g. “Mon {raw}” or “12 Jan {raw}”.")
        for day in part.days:
            for start, end in part.times or [(DAY_START, DAY_END)]:
                windows.append(TextWindow(day=day, start=start, end=end, part=raw))
    return windows


def _item(part: _Part) -> None:
    kind, value = part.peek()
    if (kind == "word" and value in FILLERS) or (kind == "other" and value in FILLERS):
        part.take()
    elif kind == "time" and _is_date_start(part):
        part.days.extend(_dates(part))
    elif kind in ("time", "word") and _time_item(part):
        return
    elif kind == "iso" or (kind == "word" and value in MONTHS):
        part.days.extend(_dates(part))
    elif kind == "word":
        part.days.extend(_day_words(part))
    else:
        raise part.unclear(value)


def _is_date_start(part: _Part) -> bool:
    """`12 Jan` or `12-14 Jan`: a day of the month, not a time."""
    kind, value = part.peek()
    if kind != "time" or not value.isdigit():
        return False
    nxt = part.peek(1)
    if nxt[0] == "word" and nxt[1] in MONTHS:
        return True
    after = part.peek(3)
    return nxt[0] == "dash" and part.peek(2)[1].isdigit() and after[0] == "word" and after[1] in MONTHS


def _time_item(part: _Part) -> bool:
    """Parse a time range if one starts here (`9-12`, `after 14`, `morning`, `between 9 and 12`)."""
    kind, value = part.peek()
    if kind == "word" and value in PERIODS:
        part.take()
        part.times.append(PERIODS[value])
    elif kind == "word" and value in ("after", "before"):
        part.take()
        at = _clock(part, part.take())
        if value == "after" and at >= AFTER_UNTIL:
            raise part.unclear(f"after {at:%H:%M}", f"“after” runs until {AFTER_UNTIL:%H:%M}; write a range")
        if value == "before" and at <= BEFORE_FROM:
            raise part.unclear(f"before {at:%H:%M}", f"“before” starts at {BEFORE_FROM:%H:%M}; write a range")
        part.times.append((at, AFTER_UNTIL) if value == "after" else (BEFORE_FROM, at))
    elif kind == "word" and value == "between":
        part.take()
        start = _clock(part, part.take())
        if part.take()[1] not in ("and", "-", "&"):
            raise part.unclear(f"between {start:%H:%M}", "write “between 9 and 12”")
        part.times.append(_range(part, start, _clock(part, part.take())))
    elif kind == "time":
        part.take()
        start = _clock(part, (kind, value))
        if part.peek()[0] != "dash":
            raise part.unclear(value, "a time needs an end, e.g. “9-12”, or say “after 9”")
        part.take()
        part.times.append(_range(part, start, _clock(part, part.take())))
    else:
        return False
    return True


def _clock(part: _Part, token: tuple[str, str]) -> time:
    """`9`, `9:30`, `9.30`, `14h30`, `9am`, `1:30 pm` → a time (bare 1–6 is in the afternoon)."""
    kind, value = token
    found = re.fullmatch(r"(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm)?", value) if kind == "time" else None
    if found is None:
        raise part.unclear(value or "the end", "expected a time such as 9, 9:30 or 2pm")
    hour, minute, half = int(found.group(1)), int(found.group(2) or 0), found.group(3)
    if half and not 1 <= hour <= 12:
        raise part.unclear(value, "with am/pm the hour is 1 to 12")
    if half:
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif 1 <= hour <= 6 and len(found.group(1)) == 1:
        hour += 12
    if hour > 23 or minute > 59:
        raise part.unclear(value, "not a time of day")
    return time(hour, minute)


def _range(part: _Part, start: time, end: time) -> tuple[time, time]:
    if end <= start:
        raise Unclear(
            f"In “{part.text}”, {start:%H:%M}–{end:%H:%M} ends before it starts: a window ends after it "
            "starts, on the same day."
        )
    return start, end


def _day_words(part: _Part) -> list[date | Weekday]:
    """`Mon`, `Mondays`, `Mon-Wed`, `weekdays`, `weekend`, `today`, `tomorrow`, `next Mon`, `next week`."""
    _, word = part.take()
    today = part.today
    monday_next = today + timedelta(days=7 - today.weekday())
    if word in ("today", "tomorrow"):
        return [today + timedelta(days=0 if word == "today" else 1)]
    if word in ("weekday", "weekdays", "workdays", "workday"):
        return [Weekday(i) for i in range(5)]
    if word in ("weekend", "weekends"):
        return [Weekday(5), Weekday(6)]
    if word == "next":
        _, what = part.take()
        if what == "week":
            return [monday_next + timedelta(days=i) for i in range(5)]
        index = _day_index(what)
        if index is None:
            raise part.unclear(f"next {what}", "write “next Mon” or “next week”")
        return [monday_next + timedelta(days=index)]
    index = _day_index(word)
    if index is None:
        raise part.unclear(word)
    if part.peek()[0] == "dash" and _day_index(part.peek(1)[1]) is not None:
        part.take()
        last = _day_index(part.take()[1]) or 0
        return [Weekday((index + i) % 7) for i in range((last - index) % 7 + 1)]
    if part.peek()[0] == "iso" or _is_date_start(part) or part.peek()[1] in MONTHS:
        dates = _dates(part)
        wrong = [d for d in dates if d.weekday() != index]
        if len(dates) == 1 and wrong:
            raise Unclear(f"In “{part.text}”, {wrong[0]:%-d %b %Y} is a {wrong[0]:%A}, not a {word.title()}.")
        return list(dates)
    return [Weekday(index)]


def _day_index(word: str) -> int | None:
    word = word.rstrip(".")
    if word in DAY_NAMES:
        return DAY_NAMES[word]
    if word.endswith("s") and word[:-1] in DAY_NAMES and len(word) > 3:
        return DAY_NAMES[word[:-1]]
    return None


def _dates(part: _Part) -> list[date]:
    """One date, or a range of dates (`12-14 Jan`, `12 Jan - 3 Feb`, `2027-01-12 - 2027-01-14`)."""
    kind, value = part.peek()
    if kind == "time" and part.peek(1)[0] == "dash" and part.peek(2)[1].isdigit():
        part.take(), part.take()
        first_day = int(value)
        last = _one_date(part)
        first = _day_of(part, first_day, last.month, last.year, f"{value} {last:%b}")
    else:
        first = _one_date(part)
        if part.peek()[0] != "dash" or not (part.peek(1)[0] == "iso" or _is_date_after_dash(part)):
            return [first]
        part.take()
        if part.peek()[0] == "time" and part.peek(1)[1] not in MONTHS:
            last = _day_of(part, int(part.take()[1]), first.month, first.year, f"{first:%b}")
        else:
            last = _one_date(part)
    if last < first:
        last = _day_of(part, last.day, last.month, last.year + 1, f"{last:%-d %b}")
    if (last - first).days > 31:
        raise part.unclear(f"{first:%-d %b}–{last:%-d %b}", "a range of dates spans at most a month")
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _is_date_after_dash(part: _Part) -> bool:
    """After `12 Jan -`: a month, or a plain day number, continues a range of dates."""
    kind, value = part.peek(1)
    return (kind == "word" and value in MONTHS) or (kind == "time" and value.isdigit())


def _one_date(part: _Part) -> date:
    """`12 Jan`, `Jan 12`, `12 Jan 2027`, `2027-01-12`: a year-less date is the nearest one."""
    kind, value = part.take()
    if kind == "iso":
        year, month, day = (int(x) for x in value.split("-"))
        return _day_of(part, day, month, year, value)
    if kind == "time" and value.isdigit() and part.peek()[1] in MONTHS:
        day, month = int(value), MONTHS[part.take()[1]]
    elif kind == "word" and value in MONTHS and part.peek()[0] == "time" and part.peek()[1].isdigit():
        day, month = int(part.take()[1]), MONTHS[value]
    else:
        raise part.unclear(value or "the date", "expected a date such as 12 Jan")
    if part.peek()[0] == "year":
        return _day_of(part, day, month, int(part.take()[1]), f"{day} {value}")
    options = []
    for year in (part.today.year - 1, part.today.year, part.today.year + 1):
        try:
            options.append(date(year, month, day))
        except ValueError:
            continue
    if not options:
        raise part.unclear(f"{day} {value}", "no such date")
    return min(options, key=lambda d: abs((d - part.today).days))


def _day_of(part: _Part, day: int, month: int, year: int, what: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise part.unclear(what, "no such date") from None
