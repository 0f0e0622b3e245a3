"""Rails on an old Ruby for real, as far as this machine allows: Rails 5.0 and Ruby 2.3 are not installable
here (Debian packages Rails 6.1 on Ruby 3.1), so the Ruby-2 form the wizard writes for them runs on Debian's."""

import os
import subprocess

from conftest import SECRET, copy_app, install_quietly, write_files
from identity_checks import AppUser, check_two_users
from test_rails import authenticity_token

from intercom_wizard.localserver import BrowserlessClient, free_port, running_server


def test_rails_ruby_2_name_lookup_runs_on_debians_rails_with_two_users(tmp_path, cli):  # type: ignore[no-untyped-def]
    """Rails 5.0 and Ruby 2.3 are not installable here (Debian: Rails 6.1 on Ruby 3.1). What can run is the
    Ruby-2 form of the controller: the Devise app declared at Ruby 2.3, planned without its schema (so the
    name is looked up at run time with map/compact, not filter_map), then served by Debian's Rails."""
    root = copy_app("rails_devise_app", tmp_path)
    schema = (root / "db/schema.rb").read_text()
    (root / "db/schema.rb").unlink()
    write_files(root, {".ruby-version": "2.3.8\n"})
    assert install_quietly(cli, root).exit_code == 0
    controller = (root / "app/controllers/intercom_jwts_controller.rb").read_text()
    assert ".map { |field| user.try(field).presence }.compact.first" in controller and "filter_map" not in controller
    (root / "db/schema.rb").write_text(schema)
    # The jwt series for Ruby < 2.5 (~> 2.3.0) is not what Debian packages (2.5): Bundler here needs that one.
    gemfile = (root / "Gemfile").read_text()
    assert "gem 'jwt', '~> 2.3.0'" in gemfile
    (root / "Gemfile").write_text(gemfile.replace("gem 'jwt', '~> 2.3.0'", "gem 'jwt', '~> 2.5'"))
    env = {"RAILS_ENV": "development", "INTERCOM_IDENTITY_SECRET": SECRET}
    setup = subprocess.run(["ruby", "bin/rails", "db:setup"], cwd=root, env={**os.environ, **env}, capture_output=True, text=True, check=False)
    assert setup.returncode == 0, setup.stdout + setup.stderr

    def sign_in(client: BrowserlessClient, user: AppUser) -> None:
        page = client.get("/users/sign_in")
        fields = {"authenticity_token": authenticity_token(page.body), "user[email]": user.login, "user[password]": user.password}
        assert user.name is not None and user.name in client.request("/users/sign_in", fields).body

    def sign_out(client: BrowserlessClient) -> None:
        client.request("/users/sign_out", {"_method": "delete", "authenticity_token": authenticity_token(client.get("/").body)})

    port = free_port()
    with running_server(["ruby", "bin/rails", "server", "-b", "127.0.0.1", "-p", str(port)], root, port, env, timeout=120):
        kevin = AppUser("kevin@example.com", "famous-chili", "kevin@example.com", "Kevin Malone")
        angela = AppUser("angela@example.com", "sprinkles-cat", "angela@example.com", "Angela Martin")
        a, b = check_two_users(f"http://127.0.0.1:{port}", SECRET, kevin, angela, sign_in, sign_out)
    assert (a["name"], b["name"]) == ("Kevin Malone", "Angela Martin")  # found at run time by the Ruby-2 lookup
