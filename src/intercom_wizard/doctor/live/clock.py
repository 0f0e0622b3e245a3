"""The server's clock, from its Date header: tokens carry its times, Intercom checks them with its own."""

from collections.abc import Iterator

from intercom_wizard.doctor.findings import Finding, Severity
from intercom_wizard.doctor.live.http import HttpReply
from intercom_wizard.doctor.live.replies import server_time

MAX_CLOCK_SKEW_SECONDS = 60


def clock_skew(reply: HttpReply, url: str) -> Iterator[Finding]:
    server = server_time(reply)
    if server is None:
        return
    skew = server - reply.at
    if abs(skew) <= MAX_CLOCK_SKEW_SECONDS:
        return
    yield Finding(
        "clock-skew",
        Severity.WARNING,
        f"The server's clock is {abs(skew):.0f} s {'ahead of' if skew > 0 else 'behind'} this machine's (Date: {reply.header('date')}).",
        "Tokens carry times from the server's clock; Intercom compares them with its own, so a wrong clock makes "
        "fresh tokens look expired or not yet valid. (A proxy in front of the app may set Date instead.)",
        "Synchronise the server's clock: enable NTP (timedatectl set-ntp true, or chrony), check with `date -u`.",
        url,
    )
