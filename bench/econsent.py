"""The signed record of a consent: a 10-page document (static text, comprehension
questions, an optional part) with 4 signatures (subject, representative, witness,
investigator), rendered from the plugin's template to HTML and printed to PDF/A with its
SHA-256, as ``plugins.econsent.records.render_record`` does when the last signer signs:
seconds and peak memory (tracemalloc; Python allocations, not Pango's). The baseline,
measured in the same run: the same HTML alone printed to PDF.

    python bench/econsent.py [--paragraphs 40] [--runs 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import time
import tracemalloc
from types import SimpleNamespace

from _support import emit

PARAGRAPH = (
    "The study compares a new treatment with the usual one. You will visit the site every"
    " month for a year; at each visit a nurse takes a blood sample and asks how you feel."
    " Your data are coded: only the site team knows who you are. You may stop at any time"
    " without giving a reason, and your care will not change. "
) * 3
ROLES = ("subject", "representative", "witness", "investigator")


def consent(paragraphs: int) -> SimpleNamespace:
    """A signed consent as the record reads it (no database: the rendering is timed)."""
    blocks: list[dict] = []
    for index in range(paragraphs):
        blocks.append({"kind": "static", "content": {"en": f"{index + 1}. {PARAGRAPH}"}})
        if index % 6 == 5:
            blocks.append(
                {
                    "kind": "question",
                    "code": f"q{index}",
                    "type": "yes_no",
                    "label": {"en": f"Did you understand part {index + 1}?"},
                }
            )
    blocks.append(
        {"kind": "question", "code": "biobank", "type": "yes_no", "label": {"en": "Biobank"}}
    )
    now = dt.datetime.now(dt.UTC)
    return SimpleNamespace(
        presented={
            "document": "ICF",
            "title": "Informed consent form",
            "version": 3,
            "language": "en",
            "ethics_reference": "CPP-2026-42",
            "ethics_date": "2026-10-01",
            "blocks": blocks,
            "signers": [{"role": role, "statement": f"I sign as {role}."} for role in ROLES],
        },
        answers={b["code"]: True for b in blocks if b["kind"] == "question"},
        signatures=[
            SimpleNamespace(
                role=role, printed_name=f"Name {role}", signed_at=now, statement=f"As {role}."
            )
            for role in ROLES
        ],
        participation=SimpleNamespace(
            study_subject_id="PAR-0001", center=SimpleNamespace(code="PAR")
        ),
        identity_check="one_time_code",
    )


def measured(work, runs: int):
    """``work()``'s answer, its best seconds over ``runs``, and its peak traced memory
    (MiB) in one more run (tracing slows Python: the seconds come from untraced runs)."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        answer = work()
        best = min(best, time.perf_counter() - started)
    tracemalloc.start()
    work()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return answer, best, peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--paragraphs", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from pypdf import PdfReader

    from datacapt.toolkit import render_pdf
    from plugins.econsent.records import render_record

    signed = consent(args.paragraphs)
    render_pdf("<p>warm-up</p>")  # WeasyPrint loads its fonts once per process
    record, record_seconds, record_peak = measured(lambda: render_record(signed), args.runs)
    pdf, html_seconds, html_peak = measured(lambda: render_pdf(record.html), args.runs)
    pages = len(PdfReader(io.BytesIO(record.pdf)).pages)
    emit(
        {
            "pages": pages,
            "signatures": len(signed.signatures),
            "pdf_bytes": len(record.pdf),
            "signed_record_seconds": round(record_seconds, 2),
            "signed_record_peak_memory_mib": round(record_peak, 1),
            "baseline_html_to_pdf_seconds": round(html_seconds, 2),
            "baseline_peak_memory_mib": round(html_peak, 1),
            "record_over_baseline": round(record_seconds / html_seconds, 2),
            "sha256": record.pdf_sha256[:16],
            "baseline_pdf_bytes": len(pdf),
        }
    )


if __name__ == "__main__":
    main()
