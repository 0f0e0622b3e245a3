"""What a token's `exp` evaluates to, read from the code that computes it.

Expressions are evaluated symbolically as `a * now + b` (now in seconds): `int(time.time()) + 7200`
is now + 7200, `Date.now() + 7200` is 1000 * now + 7200 (milliseconds), `time() + 86400 * 7` is a
week. Names are followed to their assignment in the same file; anything else is "unknown" and
reported by no one.
"""

import re
from dataclasses import dataclass
from enum import Enum

from ast_grep_py import SgNode

from intercom_wizard.doctor.sources import CodeUnit
from intercom_wizard.doctor.syntax import NAME_KINDS, call_parts, keyword_arguments, literal_text, positional, resolve, unwrap

MAX_LIFETIME_SECONDS = 24 * 60 * 60
MILLISECONDS_THRESHOLD = 100_000_000_000  # a seconds timestamp reaches this in the year 5138

NUMBER_KINDS = frozenset({"integer", "float", "number"})
BINARY_KINDS = frozenset({"binary_operator", "binary_expression", "binary"})
UNARY_KINDS = frozenset({"unary_operator", "unary_expression", "unary_op_expression", "unary"})
CALL_KINDS = frozenset({"call", "call_expression", "function_call_expression", "scoped_call_expression", "member_call_expression"})
NEW_KINDS = frozenset({"new_expression", "object_creation_expression"})

_PASS_THROUGH = frozenset({"int", "round", "floor", "ceil", "trunc", "parseInt", "Number", "intval", "float", "floatval", "to_i", "to_f"})
_DURATION_UNITS = {
    "second": 1, "seconds": 1, "minute": 60, "minutes": 60, "hour": 3600, "hours": 3600,
    "day": 86400, "days": 86400, "week": 604800, "weeks": 604800,
}
_TIMEDELTA_UNITS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400, "weeks": 604800}
_MS_UNITS = {
    "ms": 0.001, "msec": 0.001, "msecs": 0.001, "millisecond": 0.001, "milliseconds": 0.001,
    "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1, "m": 60, "min": 60, "mins": 60, "minute": 60,
    "minutes": 60, "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600, "d": 86400, "day": 86400,
    "days": 86400, "w": 604800, "week": 604800, "weeks": 604800, "y": 31557600, "yr": 31557600,
    "yrs": 31557600, "year": 31557600, "years": 31557600,
}
_MS_FORMAT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*([a-z]*)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class TimeValue:
    """now_coefficient * (current Unix time in seconds) + constant."""

    now: float
    constant: float

    def __add__(self, other: "TimeValue") -> "TimeValue":
        return TimeValue(self.now + other.now, self.constant + other.constant)

    def __sub__(self, other: "TimeValue") -> "TimeValue":
        return TimeValue(self.now - other.now, self.constant - other.constant)

    def scaled(self, factor: float) -> "TimeValue":
        return TimeValue(self.now * factor, self.constant * factor)


NOW = TimeValue(1, 0)
NOW_MS = TimeValue(1000, 0)


def constant(value: float) -> TimeValue:
    return TimeValue(0, value)


class ExpiryKind(str, Enum):
    SECONDS = "seconds"  # now + lifetime, in seconds: right
    MILLISECONDS = "milliseconds"
    ABSOLUTE = "absolute"  # a fixed timestamp


@dataclass(frozen=True)
class Expiry:
    kind: ExpiryKind
    lifetime: float | None  # seconds from now (None for milliseconds)


def classify(value: TimeValue, now: float) -> Expiry | None:
    if abs(value.now - 1) < 1e-9:
        return Expiry(ExpiryKind.SECONDS, value.constant)
    if abs(value.now - 1000) < 1e-6:
        return Expiry(ExpiryKind.MILLISECONDS, None)
    if value.now == 0:
        if value.constant >= MILLISECONDS_THRESHOLD:
            return Expiry(ExpiryKind.MILLISECONDS, None)
        return Expiry(ExpiryKind.ABSOLUTE, value.constant - now)
    return None


def expiry_of(unit: CodeUnit, node: SgNode, now: float) -> Expiry | None:
    value = evaluate(unit, node)
    return classify(value, now) if value is not None else None


def lifetime_option(unit: CodeUnit, node: SgNode) -> float | None:
    """jsonwebtoken's `expiresIn`: a number of seconds, or a vercel/ms string ("2h"; a bare "120" is ms)."""
    node = resolve(unit, node)
    text = literal_text(node)
    if text is not None:
        match = _MS_FORMAT.match(text)
        if match is None:
            return None
        unit_name = match.group(2).lower() or "ms"
        factor = _MS_UNITS.get(unit_name)
        return float(match.group(1)) * factor if factor is not None else None
    value = evaluate(unit, node)
    return value.constant if value is not None and value.now == 0 else None


def evaluate(unit: CodeUnit, node: SgNode, depth: int = 0) -> TimeValue | None:
    if depth > 20:
        return None
    node = unwrap(node)
    kind = node.kind()
    if kind in NUMBER_KINDS:
        return _number(node.text())
    if kind in NAME_KINDS:
        resolved = resolve(unit, node)
        return None if resolved.range() == node.range() else evaluate(unit, resolved, depth + 1)
    if kind in BINARY_KINDS:
        return _binary(unit, node, depth)
    if kind in UNARY_KINDS:
        return _unary(unit, node, depth)
    if kind in CALL_KINDS:
        return _call(unit, node, depth)
    if kind in NEW_KINDS:
        return _new_date(unit, node, depth)
    return None


def _number(text: str) -> TimeValue | None:
    cleaned = text.replace("_", "").rstrip("lLnN")
    try:
        return constant(float(int(cleaned, 0)) if cleaned.lower().startswith(("0x", "0o", "0b")) else float(cleaned))
    except ValueError:
        return None


def _binary(unit: CodeUnit, node: SgNode, depth: int) -> TimeValue | None:
    named = [c for c in node.children() if c.is_named() and c.kind() != "comment"]
    operator_node = node.field("operator") or next((c for c in node.children() if not c.is_named()), None)
    if len(named) != 2 or operator_node is None:
        return None
    left, right = evaluate(unit, named[0], depth + 1), evaluate(unit, named[1], depth + 1)
    if left is None or right is None:
        return None
    operator = operator_node.text()
    if operator == "+":
        return left + right
    if operator == "-":
        return left - right
    if operator == "*":
        if left.now == 0:
            return right.scaled(left.constant)
        if right.now == 0:
            return left.scaled(right.constant)
        return None
    if operator in ("/", "//") and right.now == 0 and right.constant != 0:
        return left.scaled(1 / right.constant)
    return None


def _unary(unit: CodeUnit, node: SgNode, depth: int) -> TimeValue | None:
    operand = next((c for c in node.children() if c.is_named()), None)
    operator = next((c.text() for c in node.children() if not c.is_named()), "")
    value = evaluate(unit, operand, depth + 1) if operand is not None else None
    if value is None:
        return None
    if operator == "-":
        return value.scaled(-1)
    return value if operator == "+" else None


def _call(unit: CodeUnit, node: SgNode, depth: int) -> TimeValue | None:
    parts = call_parts(node)
    method, receiver = parts.method, parts.receiver
    receiver_text = receiver.text() if receiver is not None else ""
    arguments = positional(node)
    if method == "now" and receiver_text == "Date":
        return NOW_MS
    if method in ("getTime", "valueOf") and receiver is not None and receiver.kind() in NEW_KINDS:
        return _new_date(unit, receiver, depth)
    if (method, receiver_text) in (("time", "time"), ("time", ""), ("microtime", ""), ("now", "Time"), ("now", "timezone")):
        return NOW
    if method in ("now", "utcnow", "today") and receiver_text.endswith(("datetime", "DateTime", "Time", "arrow")):
        return NOW
    if method in ("timestamp", "getTimestamp", "to_i", "to_f", "to_time") and receiver is not None and not arguments:
        return evaluate(unit, receiver, depth + 1)
    if method in _PASS_THROUGH and receiver_text in ("", "Math", "math") and arguments:
        return evaluate(unit, arguments[0], depth + 1)
    if method == "timedelta" or method.endswith(".timedelta"):
        return _timedelta(unit, node, depth)
    if method in _DURATION_UNITS and receiver is not None:
        amount = evaluate(unit, receiver, depth + 1)
        return amount.scaled(_DURATION_UNITS[method]) if amount is not None and amount.now == 0 else None
    if method in ("from_now", "since", "ago") and receiver is not None:
        duration = evaluate(unit, receiver, depth + 1)
        if duration is None or duration.now != 0:
            return None
        return NOW - duration if method == "ago" else NOW + duration
    return None


def _timedelta(unit: CodeUnit, node: SgNode, depth: int) -> TimeValue | None:
    total = constant(0)
    for index, argument in enumerate(positional(node)[:2]):
        value = evaluate(unit, argument, depth + 1)
        if value is None:
            return None
        total = total + value.scaled(86400 if index == 0 else 1)
    for name, argument in keyword_arguments(node).items():
        value = evaluate(unit, argument, depth + 1)
        if name not in _TIMEDELTA_UNITS or value is None:
            return None
        total = total + value.scaled(_TIMEDELTA_UNITS[name])
    return total


def _new_date(unit: CodeUnit, node: SgNode, depth: int) -> TimeValue | None:
    """`new Date()` is now in milliseconds, `new Date(x)` is x (milliseconds too); PHP's `new DateTime()` is now."""
    constructor = node.field("constructor") or next((c for c in node.children() if c.is_named()), None)
    name = constructor.text().lstrip("\\") if constructor is not None else ""
    arguments = positional(node)
    if name in ("DateTime", "DateTimeImmutable") and not arguments:
        return NOW
    if name != "Date":
        return None
    if not arguments:
        return NOW_MS
    return evaluate(unit, arguments[0], depth + 1) if len(arguments) == 1 else None
