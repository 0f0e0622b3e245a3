"""Apps with Intercom installed by hand, the way each back end's users write it: the classic snippet in
the page engine the back end renders, with user_id/email/name/user_hash inline and custom settings, and
the server computing user_hash with the back end's HMAC call. Each is one of our fixture apps plus the
edits below (written here, not copied from anyone's project), so the app itself stays one fixture.
"""

import subprocess
from dataclasses import dataclass
from pathlib import Path

from conftest import copy_app

LOADER = (
    "(function(){var w=window;var ic=w.Intercom;if(typeof ic===\"function\"){ic('reattach_activator');ic('update',w.intercomSettings);}"
    "else{var d=document;var i=function(){i.c(arguments);};i.q=[];i.c=function(args){i.q.push(args);};w.Intercom=i;"
    "var l=function(){var s=d.createElement('script');s.type='text/javascript';s.async=true;s.src='https://widget.intercom.io/widget/abc12345';"
    "var x=d.getElementsByTagName('script')[0];x.parentNode.insertBefore(s,x);};if(document.readyState==='complete'){l();}"
    "else if(w.attachEvent){w.attachEvent('onload',l);}else{w.addEventListener('load',l,false);}}})();"
)


def snippet(indent: str, identity: list[str], opening: str, closing: str) -> str:
    """The classic snippet: settings (custom ones, then the identity inside the engine's sign-in condition) and the loader."""
    inner = indent + "  "
    lines = [
        f"{indent}<script>",
        f"{inner}window.intercomSettings = {{",
        f'{inner}  app_id: "abc12345",',
        f'{inner}  alignment: "left",',
        f"{inner}  horizontal_padding: 40,",
        f'{inner}  custom_launcher_selector: "#help-button",',
    ]
    if identity:
        lines += [f"{inner}  {opening}", *(f"{inner}  {line}" for line in identity), f"{inner}  {closing}"]
    lines += [f"{inner}}};", f"{indent}</script>", f"{indent}<script>", f"{inner}{LOADER}", f"{indent}</script>"]
    return "\n".join(lines) + "\n"


KEPT_SETTINGS = ('alignment: "left",', "horizontal_padding: 40,", 'custom_launcher_selector: "#help-button",')


@dataclass(frozen=True)
class Variant:
    name: str
    fixture: str
    page: str  # the page that carries the snippet
    edits: tuple[tuple[str, str, str], ...]  # (path, anchor, text inserted before the anchor; "": a new file)
    hash_file: str | None  # where the server computed user_hash (None: in the page itself, or nowhere)
    hash_gone: tuple[str, ...]  # text that must leave hash_file

    def make(self, destination: Path) -> Path:
        root = copy_app(self.fixture, destination, commit=False)
        for path, anchor, inserted in self.edits:
            target = root / path
            if not anchor:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(inserted)
                continue
            text = target.read_text()
            assert text.count(anchor) == 1, (path, anchor)
            target.write_text(text.replace(anchor, inserted + anchor))
        for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "fixture"]):
            subprocess.run(["git", *command], cwd=root, check=True, capture_output=True)
        return root


PHP_HASH = """<?php
$intercomUserHash = $member !== null
    ? hash_hmac('sha256', (string) $member['id'], (string) getenv('INTERCOM_SECRET_KEY'))
    : '';
?>
"""
DJANGO_PROCESSOR = '''

def intercom_identity(request):
    """user_hash for Intercom's identity verification (a context processor)."""
    if not request.user.is_authenticated:
        return {}
    digest = hmac.new(os.environ["INTERCOM_SECRET_KEY"].encode(), str(request.user.pk).encode(), hashlib.sha256)
    return {"intercom_user_hash": digest.hexdigest()}
'''
SINATRA_HELPER = """
  # user_hash for Intercom's identity verification.
  def intercom_user_hash
    return "" unless current_user

    OpenSSL::HMAC.hexdigest("SHA256", ENV.fetch("INTERCOM_SECRET_KEY"), current_user[:id].to_s)
  end
"""
EXPRESS_MIDDLEWARE = """app.set('views', path.join(__dirname, 'views'));
app.set('view engine', 'ejs');

// user_hash for Intercom's identity verification, for the views.
app.use((req, res, next) => {
  if (req.session.user) {
    res.locals.intercomUserHash = crypto
      .createHmac('sha256', process.env.INTERCOM_SECRET_KEY)
      .update(String(req.session.user.id))
      .digest('hex');
  }
  next();
});

"""
EXPRESS_ACCOUNT_ROUTE = """app.get('/account', (req, res) => {
  res.render('account', { user: req.session.user || null });
});

"""
EXPRESS_ACCOUNT_VIEW_TOP = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Account</title>
</head>
<body>
  <h1><% if (user) { %>Signed in as <%= user.name %><% } else { %>Not signed in<% } %></h1>
"""
RAILS_HELPER = """  # user_hash for Intercom's identity verification.
  def intercom_user_hash
    OpenSSL::HMAC.hexdigest("SHA256", ENV.fetch("INTERCOM_SECRET_KEY"), current_user.id.to_s)
  end
"""

VARIANTS = {
    "php": Variant(
        "php", "php_session_app", "includes/footer.php",
        (("includes/footer.php", "</body>", PHP_HASH + snippet("", [
            "user_id: \"<?= e((string) $member['id']) ?>\",",
            "email: \"<?= e($member['email']) ?>\",",
            "name: \"<?= e($member['name']) ?>\",",
            'user_hash: "<?= $intercomUserHash ?>",',
        ], "<?php if ($member !== null): ?>", "<?php endif; ?>") + '<button id="help-button" type="button">Help</button>\n'),),
        None, ("hash_hmac", "intercomUserHash"),
    ),
    "django": Variant(
        "django", "django_site", "templates/base.html",
        (
            ("templates/base.html", "</body>", snippet("  ", [
                'user_id: "{{ user.pk }}",', 'email: "{{ user.email }}",', 'name: "{{ user.get_full_name }}",', 'user_hash: "{{ intercom_user_hash }}",',
            ], "{% if user.is_authenticated %}", "{% endif %}") + '  <button id="help-button" type="button">Help</button>\n'),
            ("notes/views.py", "from django.shortcuts import render", "import hashlib\nimport hmac\nimport os\n\n"),
            ("notes/views.py", "\n\ndef about(request):", DJANGO_PROCESSOR.rstrip("\n")),
            ("mysite/settings.py", '                "django.contrib.messages.context_processors.messages",\n',
             '                "notes.views.intercom_identity",\n'),
        ),
        "notes/views.py", ("hmac", "hashlib", "intercom_identity", "import os"),
    ),
    "sinatra": Variant(
        "sinatra", "sinatra_classic_app", "views/layout.erb",
        (
            ("views/layout.erb", "  </body>", snippet("    ", [
                'user_id: "<%= current_user[:id] %>",', 'email: "<%= current_user[:email] %>",', 'name: "<%= current_user[:name] %>",',
                'user_hash: "<%= intercom_user_hash %>",',
            ], "<% if current_user %>", "<% end %>") + '    <button id="help-button" type="button">Help</button>\n'),
            ("app.rb", 'require "securerandom"\n', 'require "openssl"\n'),
            ("app.rb", "end\n\nget \"/\" do", SINATRA_HELPER),
        ),
        "app.rb", ("OpenSSL", "intercom_user_hash", 'require "openssl"'),
    ),
    "rails": Variant(
        "rails", "rails_app", "app/views/layouts/application.html.erb",
        (
            ("app/views/layouts/application.html.erb", "  </body>", snippet("    ", [
                'user_id: "<%= current_user.id %>",', 'email: "<%= current_user.email %>",', 'name: "<%= current_user.name %>",',
                'user_hash: "<%= intercom_user_hash %>",',
            ], "<% if logged_in? %>", "<% end %>") + '    <button id="help-button" type="button">Help</button>\n'),
            ("app/helpers/application_helper.rb", "end\n", RAILS_HELPER),
        ),
        "app/helpers/application_helper.rb", ("OpenSSL", "intercom_user_hash"),
    ),
    "laravel": Variant(
        "laravel", "laravel_app", "resources/views/layouts/app.blade.php",
        (("resources/views/layouts/app.blade.php", "    </body>", snippet("        ", [
            'user_id: "{{ Auth::id() }}",', 'email: "{{ Auth::user()->email }}",', 'name: "{{ Auth::user()->name }}",',
            "user_hash: \"{{ hash_hmac('sha256', (string) Auth::id(), config('services.intercom.secret')) }}\",",
        ], "@auth", "@endauth") + '        <button id="help-button" type="button">Help</button>\n'),),
        None, ("hash_hmac",),
    ),
    "express-ejs": Variant(
        "express-ejs", "express_app", "views/account.ejs",
        (
            ("package.json", '"express": "^4.21.2"', '"ejs": "^3.1.10",\n    '),
            ("server.js", "app.use(express.static(", EXPRESS_MIDDLEWARE),
            ("server.js", "app.post('/logout'", EXPRESS_ACCOUNT_ROUTE),
            ("views/account.ejs", "", EXPRESS_ACCOUNT_VIEW_TOP + snippet("  ", [
                'user_id: "<%= user.id %>",', 'email: "<%= user.email %>",', 'name: "<%= user.name %>",', 'user_hash: "<%= intercomUserHash %>",',
            ], "<% if (user) { %>", "<% } %>") + '  <button id="help-button" type="button">Help</button>\n</body>\n</html>\n'),
        ),
        "server.js", ("createHmac", "intercomUserHash"),
    ),
    "express-static": Variant(
        "express-static", "express_app", "public/index.html",
        (("public/index.html", "</body>", snippet("  ", [], "", "") + '  <button id="help-button" type="button">Help</button>\n'),),
        None, (),
    ),
}
