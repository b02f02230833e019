"""The demo study offers French and German besides English: its forms show what is
translated (the demo's French labels) and what is missing (German)."""

from __future__ import annotations

from datacapt.toolkit import Study, reason_for_change, study_settings, update_study_settings


def add_demo_languages(study: Study) -> None:
    """Only when the study offers no other language yet: the command runs at every start."""
    if study_settings("translations", study)["languages"]:
        return
    with reason_for_change("Languages of the demo study"):
        update_study_settings("translations", study, {"languages": ["fr", "de"]})
