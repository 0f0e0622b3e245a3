"""A single-page app whose users sign in, with no back end in this project to sign their tokens.

The client module is written (it asks its token endpoint and boots anonymously while that answers 404),
but nobody is identified until the API's code gets the endpoint: that is a part left to do, so the
install is `incomplete`, with a manual step in the file that shows the sign-in and the exact command to
run the wizard on the API's code. `--frontend-origin` says the pages and the API are on different
origins: the step then carries it, so the API's endpoint allows exactly this origin.
"""

from intercom_wizard.integrations.base import PlanContext
from intercom_wizard.options import DEFAULT_ENDPOINT, Region
from intercom_wizard.signin import SignInEvidence
from intercom_wizard.unsupported_servers import endpoint_contract, find_unsupported_servers

API_FOLDER = "<the folder with the API's code>"


def require_token_endpoint_elsewhere(context: PlanContext, framework: str, evidence: list[SignInEvidence], fallback_file: str) -> None:
    """The manual step for a front end that signs users in while no endpoint can be written here.

    `evidence` is what showed the sign-in (empty when `--auth` said so); `fallback_file` is an existing
    file of the front end (its manifest) to name when there is none."""
    options = context.options
    found = next((e for e in evidence if context.tree.exists(e.file)), None)
    where = f" ({found.file}:{found.line}: `{found.what}`)" if found is not None else f" (--auth {options.auth.value})" if options.auth else ""
    if options.frontend_origin:
        elsewhere = (
            f"Its API is on another origin than its pages ({options.frontend_origin}) and its code is not in this project, "
            f"so the token endpoint {options.endpoint} does not exist yet"
        )
    else:
        elsewhere = f"No back end is in this project, so nothing signs its Intercom tokens: {options.endpoint} does not exist yet"
    servers = find_unsupported_servers(context.tree)
    if servers:  # its API is here, in a framework the wizard does not install into: the endpoint is written by hand
        context.builder.manual(
            found.file if found is not None else fallback_file,
            f"This {framework} app signs users in{where}. {servers[0].nothing_changed()} Signed-in users are booted as "
            f"leads until that API answers {options.endpoint}; write it there by hand:",
            endpoint_contract(options),
        )
        return
    context.builder.manual(
        found.file if found is not None else fallback_file,
        f"This {framework} app signs users in{where}. {elsewhere}, and signed-in users are booted as leads until it "
        "does. Run the wizard on the API's code, with the same settings so its endpoint matches this client:",
        api_install_command(context),
    )


def api_install_command(context: PlanContext) -> str:
    """`intercom-wizard install` for the API, with the options this front end's install depends on."""
    options = context.options
    arguments = ["--workspace-id", options.workspace_id]
    if options.region is not Region.US:
        arguments += ["--region", options.region.value]
    if options.endpoint != DEFAULT_ENDPOINT:
        arguments += ["--endpoint", options.endpoint.path]
    if options.frontend_origin:
        arguments += ["--frontend-origin", options.frontend_origin]
    import shlex  # only this message needs it (start-up time, issue 14)

    return f"intercom-wizard install {API_FOLDER} {shlex.join(arguments)}"
