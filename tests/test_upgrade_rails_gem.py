"""`install --upgrade` with intercom-rails (tests/fixtures/rails_app plus the gem and the initializer its
generator writes, configured for user_hash identity verification): the gem is kept, and from 1.0.5 on signs
intercom_user_jwt itself (`config.jwt`), so the upgrade raises the gem's range and enables JWTs in the
initializer; no endpoint or script of ours is added. Ruby gems cannot be installed here, so the gem itself
does not run: the edited files are checked with `ruby -c`, and the settings against intercom-rails' source
(config.rb's `config_group :jwt`, script_tag.rb's `user_details=`, which drops user_id and the signed fields)."""

import json
import subprocess

from conftest import copy_app, install_quietly, snapshot

INITIALIZER = """IntercomRails.config do |config|
  # == Intercom app_id
  config.app_id = ENV["INTERCOM_APP_ID"] || "abc12345"

  # == Intercom secret key: identity verification (user_hash)
  config.api_secret = ENV["INTERCOM_SECRET_KEY"]

  config.enabled_environments = ["development", "production"]
  config.user.current = Proc.new { current_user }
  config.include_for_logged_out_users = true
  config.inbox.style = :custom
end
"""
JWT_LINES = """
  # == JWT identity verification (intercom-rails >= 1.0.5): the page boots with intercom_user_jwt,
  # signed on the server with api_secret, instead of user_id and user_hash; email and name move
  # into the token's claims, and the token expires.
  config.jwt.enabled = true
  config.jwt.expiry = 2.hours
  config.jwt.signed_user_fields = [:email, :name]
"""

# intercom-rails' README, "Shutdown": prepare on sign-out, clear the session cookie on the next answer.
PREPARE_SHUTDOWN = """  # intercom-rails: shut the Messenger down once this sign-out's answer is sent
  after_action(only: :destroy) { IntercomRails::ShutdownHelper.prepare_intercom_shutdown(session) }
"""
CLEAR_SHUTDOWN = """  # intercom-rails: clear the Messenger's session cookie after a sign-out
  after_action { IntercomRails::ShutdownHelper.intercom_shutdown(session, cookies, request.domain) }
"""


def rails_with_gem(tmp_path, gem_line: str = "gem 'intercom-rails', '~> 0.4.2'\n", initializer: str = INITIALIZER):  # type: ignore[no-untyped-def]
    root = copy_app("rails_app", tmp_path, commit=False)
    gemfile = root / "Gemfile"
    gemfile.write_text(gemfile.read_text().replace("gem 'bcrypt', '~> 3.1.7'\n", "gem 'bcrypt', '~> 3.1.7'\n" + gem_line))
    (root / "config/initializers/intercom.rb").write_text(initializer)
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "app"]):
        subprocess.run(["git", *command], cwd=root, check=True)
    return root


def ruby_c(root, path: str) -> None:  # type: ignore[no-untyped-def]
    checked = subprocess.run(["ruby", "-c", str(root / path)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, (path, checked.stderr)


def test_without_upgrade_the_gem_and_the_initializer_are_named(tmp_path, cli):
    root = rails_with_gem(tmp_path)
    before = snapshot(root)
    result = install_quietly(cli, root)
    assert result.exit_code == 7
    assert 'the intercom-rails gem in Gemfile:11 → raised to "~> 1.0", ">= 1.0.5"' in result.stderr
    assert "the intercom-rails initializer (user_hash identity verification) in config/initializers/intercom.rb:1 → config.jwt enabled" in result.stderr
    assert "sign-out (destroy) without intercom-rails' shutdown in app/controllers/sessions_controller.rb:19 → IntercomRails::ShutdownHelper.prepare_intercom_shutdown after destroy" in result.stderr
    findings = json.loads(cli("doctor", str(root), "--json").stdout)["findings"]
    assert {(f["file"], f["line"]) for f in findings if f["id"] == "upgrade"} >= {("app/controllers/sessions_controller.rb", 19), ("Gemfile", 11)}
    assert snapshot(root) == before


def test_upgrade_enables_jwt_in_the_gem_and_adds_nothing_of_ours(tmp_path, cli):
    root = rails_with_gem(tmp_path)
    before = snapshot(root)
    result = install_quietly(cli, root, "--upgrade")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.rstrip().endswith("result: complete"), result.stderr
    after = snapshot(root)
    assert sorted(p for p in after if before.get(p) != after[p]) == [
        ".intercom-wizard.json", "Gemfile", "app/controllers/application_controller.rb", "app/controllers/sessions_controller.rb",
        "config/initializers/intercom.rb",
    ]
    assert "gem 'intercom-rails', '~> 1.0', '>= 1.0.5'\n" in after["Gemfile"].decode()
    assert after["config/initializers/intercom.rb"].decode() == INITIALIZER.replace("  config.inbox.style = :custom\n", "  config.inbox.style = :custom\n" + JWT_LINES)
    assert after["app/controllers/sessions_controller.rb"].decode().startswith("class SessionsController < ApplicationController\n" + PREPARE_SHUTDOWN)
    assert after["app/controllers/application_controller.rb"].decode().startswith("class ApplicationController < ActionController::Base\n" + CLEAR_SHUTDOWN)
    for path in ("Gemfile", "config/initializers/intercom.rb", "app/controllers/sessions_controller.rb", "app/controllers/application_controller.rb"):
        ruby_c(root, path)

    installed = snapshot(root)
    again = install_quietly(cli, root, "--upgrade")
    assert again.exit_code == 0 and "Nothing to do" in again.stderr, again.stderr
    plain = install_quietly(cli, root)
    assert plain.exit_code == 0 and "Nothing to do" in plain.stderr, plain.stderr
    assert snapshot(root) == installed
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert snapshot(root) == before


def test_an_initializer_without_a_secret_reads_it_from_the_environment(tmp_path, cli):
    initializer = INITIALIZER.replace('  config.api_secret = ENV["INTERCOM_SECRET_KEY"]\n', '  # config.api_secret = "..."\n')
    root = rails_with_gem(tmp_path, "gem \"intercom-rails\", require: true\n", initializer)
    result = install_quietly(cli, root, "--upgrade")
    assert result.exit_code == 0, result.stderr
    assert 'gem "intercom-rails", "~> 1.0", ">= 1.0.5", require: true\n' in (root / "Gemfile").read_text()
    text = (root / "config/initializers/intercom.rb").read_text()
    assert '  config.api_secret = ENV["INTERCOM_IDENTITY_SECRET"]\n  # == JWT identity verification' in text
    ruby_c(root, "config/initializers/intercom.rb")


def test_a_gem_already_on_jwt_gets_only_the_shutdown_on_sign_out(tmp_path, cli):
    root = rails_with_gem(tmp_path, "gem 'intercom-rails', '~> 1.0.6'\n", INITIALIZER.replace("end\n", JWT_LINES + "end\n"))
    before = snapshot(root)
    result = install_quietly(cli, root, "--upgrade")
    assert result.exit_code == 0, result.stderr
    after = snapshot(root)
    assert sorted(p for p in after if before.get(p) != after[p]) == [
        ".intercom-wizard.json", "app/controllers/application_controller.rb", "app/controllers/sessions_controller.rb"]
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert snapshot(root) == before


def test_a_gem_on_jwt_with_its_shutdown_already_is_left_alone(tmp_path, cli):
    root = rails_with_gem(tmp_path, "gem 'intercom-rails', '~> 1.0.6'\n", INITIALIZER.replace("end\n", JWT_LINES + "end\n"))
    sessions = root / "app/controllers/sessions_controller.rb"
    sessions.write_text(sessions.read_text().replace("    reset_session\n    redirect_to login_path", "    reset_session\n    IntercomRails::ShutdownHelper.intercom_shutdown_helper(cookies)\n    redirect_to login_path"))
    subprocess.run(["git", "commit", "-qam", "shutdown"], cwd=root, check=True)
    before = snapshot(root)
    result = install_quietly(cli, root, "--upgrade")
    assert result.exit_code == 0 and "Nothing to do" in result.stderr, result.stderr
    assert snapshot(root) == before


def test_a_config_block_inside_a_condition_gets_the_jwt_lines_at_its_indentation(tmp_path, cli):
    # The shape of Maybe's initializer (maybe-finance/maybe): the block only runs when its variables are set.
    nested = 'if ENV["INTERCOM_APP_ID"].present?\n' + "".join("  " + line if line.strip() else line for line in INITIALIZER.splitlines(keepends=True)) + "end\n"
    root = rails_with_gem(tmp_path, initializer=nested)
    before = snapshot(root)
    result = install_quietly(cli, root, "--upgrade")
    assert result.exit_code == 0, result.stderr
    jwt_lines = "".join("  " + line if line.strip() else line for line in JWT_LINES.splitlines(keepends=True))
    assert (root / "config/initializers/intercom.rb").read_text() == nested.replace(
        "    config.inbox.style = :custom\n", "    config.inbox.style = :custom\n" + jwt_lines)
    ruby_c(root, "config/initializers/intercom.rb")
    again = install_quietly(cli, root, "--upgrade")
    assert again.exit_code == 0 and "Nothing to do" in again.stderr, again.stderr
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert snapshot(root) == before
