"""Reading `exp` from code: the symbolic evaluator behind exp-missing / -milliseconds / -in-past / -too-long."""

import pytest

from intercom_wizard.doctor.expiry import ExpiryKind, expiry_of, lifetime_option
from intercom_wizard.doctor.sources import CodeUnit, Side

NOW = 1_750_000_000.0


def exp_of(language: str, code: str):
    unit = CodeUnit("x", language, Side.BACKEND, code)
    target = [b for b in unit.find_all("assignment", "variable_declarator", "assignment_expression")][-1]
    value = target.field("right") or target.field("value")
    return expiry_of(unit, value, NOW)


@pytest.mark.parametrize(
    ("language", "code", "kind", "lifetime"),
    [
        ("python", "import time\nexp = int(time.time()) + 2 * 60 * 60", ExpiryKind.SECONDS, 7200),
        ("python", "LIFETIME = 3600\nnow = round(time.time())\nexp = now + LIFETIME", ExpiryKind.SECONDS, 3600),
        ("python", "exp = datetime.datetime.utcnow() + datetime.timedelta(hours=1, minutes=30)", ExpiryKind.SECONDS, 5400),
        ("python", "exp = timezone.now() + timedelta(2)", ExpiryKind.SECONDS, 172800),
        ("python", "exp = time.time() * 1000 + 60", ExpiryKind.MILLISECONDS, None),
        ("python", "exp = 1700000000", ExpiryKind.ABSOLUTE, 1_700_000_000 - NOW),
        ("javascript", "const exp = Math.floor(Date.now() / 1000) + (2 * 60 * 60);", ExpiryKind.SECONDS, 7200),
        ("javascript", "const exp = Date.now() + 2 * 3600 * 1000;", ExpiryKind.MILLISECONDS, None),
        ("javascript", "const exp = +new Date() + 5;", ExpiryKind.MILLISECONDS, None),
        ("javascript", "const exp = Math.floor(new Date(Date.now() + 3600e3).getTime() / 1000);", ExpiryKind.SECONDS, 3600),
        ("typescript", "const ttl: number = 600;\nconst exp = Math.trunc(Date.now() / 1e3) + ttl;", ExpiryKind.SECONDS, 600),
        ("php", "<?php $exp = time() + 60 * 60 * 2;", ExpiryKind.SECONDS, 7200),
        ("php", "<?php $exp = (new DateTimeImmutable())->getTimestamp() + 86400 * 3;", ExpiryKind.SECONDS, 259200),
        ("ruby", "exp = Time.now.to_i + 2.hours", ExpiryKind.SECONDS, 7200),
        ("ruby", "exp = 3.days.from_now.to_i", ExpiryKind.SECONDS, 259200),
    ],
)
def test_evaluates(language, code, kind, lifetime):
    expiry = exp_of(language, code)
    assert expiry is not None and expiry.kind is kind
    assert expiry.lifetime == (pytest.approx(lifetime) if lifetime is not None else None)


@pytest.mark.parametrize(
    ("language", "code"),
    [("python", "exp = settings.TOKEN_EXP"), ("javascript", "const exp = computeExpiry(user);"), ("python", "exp = now + delta")],
)
def test_unknown_is_not_guessed(language, code):
    assert exp_of(language, code) is None


@pytest.mark.parametrize(("text", "seconds"), [("'2h'", 7200), ("'7 days'", 604800), ("'90m'", 5400), ("'120'", 0.12), ("3600", 3600)])
def test_jsonwebtoken_expires_in(text, seconds):
    unit = CodeUnit("x", "javascript", Side.BACKEND, f"const o = {{ expiresIn: {text} }};")
    value = unit.find_all("pair")[0].field("value")
    assert lifetime_option(unit, value) == pytest.approx(seconds)
