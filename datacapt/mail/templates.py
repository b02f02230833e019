"""The emails the core sends, as translatable subject and body templates."""

from __future__ import annotations

TEMPLATES: dict[str, tuple[str, str]] = {
    "password_reset": (
        "Reset your Datacapt password",
        "Hello {name},\n\nSomeone asked to reset the password of your account at {tenant}."
        " To choose a new password, open this link within {minutes} minutes:\n\n{link}\n\n"
        "If it was not you, ignore this email: your password stays as it is.",
    ),
    "invitation": (
        "You are invited to Datacapt",
        "Hello {name},\n\n{inviter} invites you to join {tenant} on Datacapt{study}."
        " To accept and choose your password, open this link within {days} days:\n\n{link}",
    ),
}
