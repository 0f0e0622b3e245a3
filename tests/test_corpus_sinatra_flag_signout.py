"""Sinatra shapes of the h10new round: a sign-out that clears only a flag beside the id, and the user a `before` filter sets.

Seen on sinatra-wsp22-posts (a 2022 school project on Debian's gems): the login stores
`session[:id] = user["id"]` beside `session[:auth] = true`; its `get("/logout")` only sets
`session[:auth] = false`, and a `before` filter lets protected pages through only while the flag
holds. The token route read `session[:id]` alone, so it kept signing the signed-out user (verify:
"GET /api/intercom-jwt -> 200 after signing out"). The route now requires the flag as the pages test
it, or, when no page tests it, the install stays incomplete with the reason. Fixtures of our own writing.
"""

from pathlib import Path

from conftest import SECRET, install_and_check_uninstall, install_quietly, line_of, write_files
from identity_checks import AppUser, check_two_users

from intercom_wizard.localserver import BrowserlessClient, free_port, running_server

GUARD = 'redirect to("/") if request.path_info.start_with?("/club") && !session[:inside]'


def _club(root: Path, *, guard: str = GUARD, sign_out: str = "session[:inside] = false", signed_in: str = "true") -> Path:
    write_files(
        root,
        {
            "Gemfile": 'source "https://rubygems.org"\n\ngem "sinatra", "~> 3.0"\n',
            "app.rb": f"""
                require "sinatra"
                require "securerandom"

                enable :sessions
                set :session_secret, SecureRandom.hex(64)

                MEMBERS = {{ "ruth" => {{ id: 41, pass: "ruth-pass" }}, "omar" => {{ id: 42, pass: "omar-pass" }} }}.freeze

                before do
                  {guard}
                end

                get "/" do
                  erb :front
                end

                get "/club/board" do
                  erb :board
                end

                post "/enter" do
                  member = MEMBERS[params[:handle]]
                  halt 403, "No entry" unless member && member[:pass] == params[:pass]
                  session[:member_id] = member[:id]
                  session[:inside] = {signed_in}
                  redirect to("/club/board")
                end

                post "/sign_out" do
                  {sign_out}
                  redirect to("/")
                end
            """,
            "views/layout.erb": "<!doctype html>\n<html>\n<body>\n<%= yield %>\n</body>\n</html>\n",
            "views/front.erb": "<form method='post' action='/enter'><input name='handle'><input name='pass' type='password'></form>\n",
            "views/board.erb": "<p>The board</p>\n",
        },
    )
    return root


def _route(files: dict[str, str]) -> str:
    return files["app.rb"].split('get "/api/intercom-jwt" do')[1]


def test_the_route_requires_the_flag_the_sign_out_clears_and_two_members_get_their_numbers(tmp_path, cli):
    root = _club(tmp_path)
    _result, files = install_and_check_uninstall(cli, root, exit_code=0)
    route = _route(files)
    assert "  user = session[:member_id] && session[:inside] ? { id: session[:member_id] } : nil\n" in route
    assert "POST /sign_out signs out by setting session[:inside] to false" in " ".join(line.strip("# ") for line in route.splitlines())

    assert install_quietly(cli, root).exit_code == 0  # installed again (the check above uninstalled it) to run it
    port = free_port()

    def sign_in(client: BrowserlessClient, member: AppUser) -> None:
        client.post_form("/enter", {"handle": member.login, "pass": member.password})

    def sign_out(client: BrowserlessClient) -> None:
        client.post_form("/sign_out", {})

    command = ["ruby", "app.rb", "-o", "127.0.0.1", "-p", str(port)]
    with running_server(command, root, port, {"INTERCOM_IDENTITY_SECRET": SECRET, "APP_ENV": "development"}):
        # check_two_users asserts 401 after each sign-out: the id is still in the session then.
        a, b = check_two_users(f"http://127.0.0.1:{port}", SECRET, AppUser("ruth", "ruth-pass"), AppUser("omar", "omar-pass"), sign_in, sign_out)
    assert (a["user_id"], b["user_id"]) == ("41", "42")


def test_a_flag_the_pages_compare_with_the_login_value_is_compared_so(tmp_path, cli):
    root = _club(
        tmp_path, guard='halt 403 if request.path_info.start_with?("/club") && session[:inside] != "yes"', sign_out="session[:inside] = nil", signed_in='"yes"'
    )
    _result, files = install_and_check_uninstall(cli, root, exit_code=0)
    assert '  user = session[:member_id] && session[:inside] == "yes" ? { id: session[:member_id] } : nil\n' in _route(files)


def test_a_sign_out_that_clears_the_session_needs_no_flag(tmp_path, cli):
    root = _club(tmp_path, sign_out="session.clear")
    _result, files = install_and_check_uninstall(cli, root, exit_code=0)
    assert "  user = session[:member_id] && { id: session[:member_id] }\n" in _route(files)


def test_a_flag_no_page_tests_leaves_the_install_incomplete(tmp_path, cli):
    root = _club(tmp_path, guard="headers 'X-Club' => 'yes'")
    result, files = install_and_check_uninstall(cli, root, exit_code=4)
    output = " ".join((result.stdout + result.stderr).split())
    sign_out = line_of(files["app.rb"], "session[:inside] = false")  # as the install wrote app.rb, below its requires
    assert f"app.rb:{sign_out} signs out by setting session[:inside] to false and leaves session[:member_id] in the session" in output
    assert "session[:member_id]" not in _route(files).split("halt 401")[0]


# --- the user an app-wide `before` filter sets (sinatra-slpws23-scripts) ---------------------------

TOKEN_APP = {
    "Gemfile": 'source "https://rubygems.org"\n\ngem "sinatra", "~> 3.0"\n',
    "app.rb": """
        require "sinatra"
        require "securerandom"

        enable :sessions
        set :session_secret, SecureRandom.hex(64)

        Player = Struct.new(:id, :nick)
        PLAYERS = { "ada" => Player.new(51, "Ada"), "bo" => Player.new(52, "Bo") }.freeze
        PASSES = { "ada" => "ada-pass", "bo" => "bo-pass" }.freeze
        TICKETS = {}  # a random ticket per sign-in, as the app's sessions table keeps them

        before do
          @signed_in_user = TICKETS[session[:ticket]]
        end

        get "/" do
          erb :front
        end

        post "/login" do
          halt 403, "No entry" unless PASSES[params[:handle]] == params[:pass]
          ticket = SecureRandom.hex
          TICKETS[ticket] = PLAYERS[params[:handle]]
          session[:ticket] = ticket
          redirect to("/")
        end

        post "/logout" do
          TICKETS.delete(session[:ticket])
          session[:ticket] = nil
          redirect to("/")
        end
    """,
    "views/layout.erb": "<!doctype html>\n<html>\n<body>\n<%= yield %>\n</body>\n</html>\n",
    "views/front.erb": "<p><%= @signed_in_user ? @signed_in_user.nick : 'Visitor' %></p>\n<form method='post' action='/login'><input name='handle'><input name='pass' type='password'></form>\n",
}


def test_the_user_a_before_filter_sets_is_the_signed_in_user(tmp_path, cli):
    """The session holds a random ticket (no id to trace: it was incomplete); the app's own `before`
    filter sets @signed_in_user for every route, the token route included, so that is the user."""
    write_files(tmp_path, TOKEN_APP)
    _result, files = install_and_check_uninstall(cli, tmp_path, exit_code=0)
    assert "  user = @signed_in_user\n" in _route(files)

    assert install_quietly(cli, tmp_path).exit_code == 0  # installed again (the check above uninstalled it) to run it
    port = free_port()

    def sign_in(client: BrowserlessClient, player: AppUser) -> None:
        client.post_form("/login", {"handle": player.login, "pass": player.password})

    def sign_out(client: BrowserlessClient) -> None:
        client.post_form("/logout", {})

    command = ["ruby", "app.rb", "-o", "127.0.0.1", "-p", str(port)]
    with running_server(command, tmp_path, port, {"INTERCOM_IDENTITY_SECRET": SECRET, "APP_ENV": "development"}):
        a, b = check_two_users(f"http://127.0.0.1:{port}", SECRET, AppUser("ada", "ada-pass"), AppUser("bo", "bo-pass"), sign_in, sign_out)
    assert (a["user_id"], b["user_id"]) == ("51", "52")


def test_a_before_filter_for_one_path_or_a_variable_not_named_as_a_user_is_no_evidence(tmp_path, cli):
    files = dict(TOKEN_APP)
    files["app.rb"] = files["app.rb"].replace("before do", 'before "/club/*" do')
    assert 'before "/club/*" do' in files["app.rb"]
    write_files(tmp_path / "path", files)
    assert install_quietly(cli, tmp_path / "path").exit_code == 4
    files = dict(TOKEN_APP)
    files["app.rb"] = files["app.rb"].replace("@signed_in_user = TICKETS", "@ticket_holder = TICKETS")
    write_files(tmp_path / "name", files)
    assert install_quietly(cli, tmp_path / "name").exit_code == 4


def test_a_user_a_before_filter_reads_from_the_request_is_no_evidence(tmp_path, cli):
    """Seen on sinatra-portfolio-api: `before do @user = user_data end`, where `user_data` parses the
    request body: that is what the client sent, so signing it would let anyone name any user."""
    for name, value in (("body", "JSON.parse(request.body.read)"), ("helper", "member_from_body"), ("params", "PLAYERS[params[:handle]]")):
        files = dict(TOKEN_APP)
        files["app.rb"] = files["app.rb"].replace("@signed_in_user = TICKETS[session[:ticket]]", f"@signed_in_user = {value}")
        assert value in files["app.rb"]
        write_files(tmp_path / name, files)
        result = install_quietly(cli, tmp_path / name)
        assert result.exit_code == 4, (name, result.stderr)
        assert "@signed_in_user" not in (tmp_path / name / "app.rb").read_text().split("/api/intercom-jwt")[1]
