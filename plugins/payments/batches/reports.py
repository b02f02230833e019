"""Reading the bank's status reports: ISO 20022 pain.002 (a status per transaction) and
camt.054 (debit and credit notifications), or a CSV (end_to_end_id, status, reason and an
optional amount and currency). Each gives lines; matching them to orders is elsewhere.

XML is read by defusedxml's parser, whatever its namespace version and its encoding; a
document type declaration (never part of an ISO 20022 message, and how entity expansion
attacks come in) is refused by the parser itself, so no encoding slips one past."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import defusedxml
from defusedxml import ElementTree as SafeET

from datacapt.toolkit import Message, TableProblem, invalid, refuse_table, required_table
from datacapt.toolkit import table_problem as problem
from plugins.payments.batches.models import ReportFormat
from plugins.payments.errors import PaymentCodes
from plugins.payments.orders.models import OrderStatus

# pain.002 transaction statuses: accepted and settled is paid, rejected is returned; the
# others (ACCP, a customer profile check; ACTC, ACSP, PDNG...) are not final.
PAIN_002_STATUSES = {
    "ACSC": OrderStatus.PAID,
    "RJCT": OrderStatus.RETURNED,
}
CSV_STATUSES = {"paid": OrderStatus.PAID, "returned": OrderStatus.RETURNED}
CSV_COLUMNS = ("end_to_end_id", "status")


@dataclass(frozen=True)
class ReportLine:
    end_to_end_id: str
    status: OrderStatus | None  # None: not a final status of a transfer
    bank_status: str  # as the report says it
    reason: str | None  # the bank's reason code and text, for a return
    amount: Decimal | None
    currency: str | None


def unreadable(message: Message) -> Exception:
    return invalid(PaymentCodes.BANK_REPORT_UNREADABLE, message, field="file")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: ET.Element | None, *path: str) -> ET.Element | None:
    """The first descendant along ``path`` of local names (any namespace)."""
    for name in path:
        if element is None:
            return None
        element = next((c for c in element if _local(c.tag) == name), None)
    return element


def _text(element: ET.Element | None, *path: str) -> str | None:
    found = _child(element, *path)
    text = found.text.strip() if found is not None and found.text else None
    return text or None


def _all(element: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in element.iter() if _local(e.tag) == name]


def _amount(element: ET.Element | None) -> tuple[Decimal | None, str | None]:
    if element is None or not element.text:
        return None, None
    amount = _decimal(element.text)
    if amount is None:
        raise unreadable(Message("An amount of the report is not a number."))
    return amount, element.get("Ccy")


def _decimal(text: str) -> Decimal | None:
    """The finite number ``text`` writes, or None (neither NaN nor infinity is an amount)."""
    try:
        amount = Decimal(text.strip())
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def _reason(element: ET.Element | None) -> str | None:
    """A status or return reason: its code and additional text, as one line."""
    if element is None:
        return None
    code = _text(element, "Rsn", "Cd") or _text(element, "Rsn", "Prtry")
    extra = " ".join(filter(None, (e.text for e in _all(element, "AddtlInf"))))
    return " ".join(filter(None, (code, extra.strip()))) or None


def _pain_002(root: ET.Element) -> list[ReportLine]:
    lines = []
    for tx in _all(root, "TxInfAndSts"):
        status = _text(tx, "TxSts") or ""
        amount, currency = _amount(_child(tx, "OrgnlTxRef", "Amt", "InstdAmt"))
        lines.append(
            ReportLine(
                end_to_end_id=_text(tx, "OrgnlEndToEndId") or "",
                status=PAIN_002_STATUSES.get(status),
                bank_status=status,
                reason=_reason(_child(tx, "StsRsnInf")),
                amount=amount,
                currency=currency,
            )
        )
    return lines


def _transaction_amount(tx: ET.Element) -> ET.Element | None:
    """A notified transaction's own amount (the entry's may sum several)."""
    for path in (("Amt",), ("AmtDtls", "InstdAmt", "Amt"), ("AmtDtls", "TxAmt", "Amt")):
        found = _child(tx, *path)
        if found is not None:
            return found
    return None


def _camt_054(root: ET.Element) -> list[ReportLine]:
    """A booked debit of a transfer is paid; a transaction with return information (the
    money credited back) is returned; anything else is not final."""
    lines = []
    for entry in _all(root, "Ntry"):
        booked = (_text(entry, "Sts", "Cd") or _text(entry, "Sts")) == "BOOK"
        for tx in _all(entry, "TxDtls"):
            direction = _text(tx, "CdtDbtInd") or _text(entry, "CdtDbtInd") or ""
            returned = _child(tx, "RtrInf")
            amount, currency = _amount(_transaction_amount(tx))
            status = None
            if booked and returned is not None:
                status = OrderStatus.RETURNED
            elif booked and direction == "DBIT":
                status = OrderStatus.PAID
            lines.append(
                ReportLine(
                    end_to_end_id=_text(tx, "Refs", "EndToEndId") or "",
                    status=status,
                    bank_status=f"{'BOOK' if booked else 'PDNG'} {direction}".strip(),
                    reason=_reason(returned),
                    amount=amount,
                    currency=currency,
                )
            )
    return lines


def _xml_report(content: bytes) -> tuple[ReportFormat, list[ReportLine]]:
    try:
        root = SafeET.fromstring(content, forbid_dtd=True)
    except defusedxml.DefusedXmlException:
        raise unreadable(Message("The report declares a document type: it is refused.")) from None
    except ET.ParseError:
        raise unreadable(Message("The report is not well-formed XML.")) from None
    namespace = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    if ":pain.002." in namespace:
        return ReportFormat.PAIN_002, _pain_002(root)
    if ":camt.054." in namespace:
        return ReportFormat.CAMT_054, _camt_054(root)
    raise unreadable(Message("The XML report is neither a pain.002 nor a camt.054 message."))


CURRENCY = re.compile(r"^[A-Z]{3}$")


def _csv_line(row: int, cells: dict[str, str], problems: list[TableProblem]) -> ReportLine:
    status = cells["status"].strip().lower()
    if status not in CSV_STATUSES:
        problems.append(problem(row, "status", Message("The status is paid or returned.")))
    amount: Decimal | None = None
    if cells.get("amount"):
        amount = _decimal(cells["amount"])
        if amount is None:
            problems.append(problem(row, "amount", Message("The amount is not a number.")))
    currency = (cells.get("currency") or "").strip().upper() or None
    if currency is not None and not CURRENCY.match(currency):
        problems.append(problem(row, "currency", Message("The currency is an ISO 4217 code.")))
    if not cells["end_to_end_id"]:
        problems.append(problem(row, "end_to_end_id", Message("The end-to-end id is missing.")))
    return ReportLine(
        end_to_end_id=cells["end_to_end_id"],
        status=CSV_STATUSES.get(status),
        bank_status=status,
        reason=cells.get("reason") or None,
        amount=amount,
        currency=currency,
    )


def _csv_report(content: bytes) -> list[ReportLine]:
    table = required_table(content, CSV_COLUMNS, PaymentCodes.BANK_REPORT_UNREADABLE)
    problems: list[TableProblem] = []
    lines = [_csv_line(row, cells, problems) for row, cells in table.rows]
    if problems:
        raise refuse_table(PaymentCodes.BANK_REPORT_UNREADABLE, problems)
    return lines


def _looks_like_xml(content: bytes) -> bool:
    """Whether the report starts with "<" after its byte order mark and blanks, in UTF-8
    or UTF-16 (a UTF-16 report is XML only if it starts so too, not by its mark alone)."""
    head = content[:64]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode()
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def read_report(content: bytes) -> tuple[ReportFormat, list[ReportLine]]:
    """The report's format and its lines; 422 when it cannot be read or holds none."""
    if _looks_like_xml(content):
        report_format, lines = _xml_report(content)
    else:
        report_format, lines = ReportFormat.CSV, _csv_report(content)
    if not lines:
        raise unreadable(Message("The report holds no transaction."))
    return report_format, lines
