"""The two-user identity run: one browser signs in as A, out, in as B, out, and in as A again, so the
identity check can compare the user_id each boot carried and see the shutdowns between them. Kept apart
from scenario.py, which runs the single-user phases, and imported only when two users are given."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from intercom_wizard.verify.scenario import Visit


def switch_users(visit: Visit) -> None:
    """Phases identity:1..3 with identity:logout-1 and identity:logout-2 between them."""
    obs = visit.obs
    first, second = obs.options.users[0], obs.options.users[1]
    for number, user in enumerate((first, second, first), start=1):
        if number > 1:
            obs.phase = f"identity:logout-{number - 1}"
            visit.log_out()
        obs.phase = f"identity:{number}"
        visit.sign_in_with_form(user, step=obs.phase)
        if obs.options.no_reload:
            visit.stay()
        else:
            visit.open(obs.options.url)
