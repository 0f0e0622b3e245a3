"""`intercom-wizard doctor`: diagnose an Intercom installation, statically and against a running app.

command.py    the Typer command (`doctor(...)`), exit codes 0 / 1 / 2
run.py        DoctorOptions -> DoctorReport: static checks, live checks, reminders
findings.py   the Finding every check reports (id, severity, file, line, message, why, fix)
sources.py    the project's code as parse trees, each known to run in the browser or on the server
syntax.py     reading those trees the same way across Python, JS/TS, PHP and Ruby
signing.py    where the server signs JWTs (PyJWT, jsonwebtoken, firebase/php-jwt, jwt gem)
handlers.py   which function serves the request a token is signed in
messenger.py  how the front end drives the Messenger (boot, shutdown, intercomSettings, the SDK)
expiry.py     what `exp` evaluates to (seconds, milliseconds, lifetime)
checks/       static checks, one module per concern
live/         checks against the running app (--url)
reminders.py  what cannot be checked from here
report.py     Rich table and JSON
"""
