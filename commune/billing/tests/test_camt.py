"""camt.py reads the files camt_files.py builds as pycamt (a parser we did not write) reads
them; and it refuses hostile or foreign files with a message for people."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.utils import translation
from pycamt.parser import Camt053Parser

from commune.billing.camt import CamtError, camt_read
from commune.billing.tests.camt_files import Camt054Parser, Pay, camt053, camt054

IBAN = "CH4431999123000889012"
QRR = "210000000003139471430009017"
SCOR = "RF18539007547034"


PAYMENTS = [
    Pay(QRR, Decimal("175.60"), ref="ACSR-1", debtor="Muster Bau SA"),
    Pay(SCOR, Decimal("40.00"), ref="ACSR-2", debtor="Dupont & Fils", text="Facture F-2026-2"),
    Pay("", Decimal("12.35"), ref="ACSR-3", text="sans référence <ok>"),
    Pay(QRR, Decimal("9.95"), ref="ACSR-4", credit=False),
]


def _compare(ours, theirs):
    assert len(ours) == len(theirs)
    for tx, row in zip(ours, theirs, strict=True):
        assert tx.amount == Decimal(row["Amount"])
        assert tx.currency == row["Currency"]
        assert tx.credit == (row["CreditDebitIndicator"] == "CRDT")
        assert tx.booking_date.isoformat() == row["BookingDate"]
        assert tx.debtor_name == row.get("DebtorName", "")
        assert tx.debtor_iban == row.get("DebtorIBAN", "")
        if tx.reference:
            assert tx.reference == row["RemittanceInformation"]
        else:
            assert tx.unstructured == row.get("RemittanceInformation", "")


def test_camt054_read_as_pycamt_reads_it():
    # given
    data = camt054(iban=IBAN, payments=PAYMENTS, message_id="MSG-A")
    # when
    document = camt_read(data)
    theirs = Camt054Parser(data)
    # then
    assert document.kind == "camt.054"
    assert document.version == "08"
    assert document.message_id == "MSG-A" == theirs.get_group_header()["MessageID"]
    assert document.ibans == {IBAN}
    _compare(document.transactions, theirs.get_transactions())
    first, second, third, fourth = document.transactions
    assert (first.reference, first.reference_type, first.entry_ref) == (QRR, "QRR", "ACSR-1")
    assert (second.reference, second.reference_type) == (SCOR, "SCOR")
    assert third.reference == "" and third.unstructured == "sans référence <ok>"
    assert fourth.credit is False and fourth.amount == Decimal("9.95")


def test_camt053_read_as_pycamt_reads_it():
    data = camt053(iban=IBAN, payments=PAYMENTS[:2], message_id="MSG-S")
    document = camt_read(data)
    theirs = Camt053Parser(data)
    assert theirs.version == "camt.053.001.08"
    assert document.kind == "camt.053"
    assert theirs.get_statement_info()[0]["IBAN"] == IBAN
    assert theirs.get_statement_info()[0]["ClosingBalance"] == "1215.60"
    _compare(document.transactions, theirs.get_transactions())


def test_batch_entry_gives_one_transaction_per_detail():
    # given: one entry of three QR payments, the bank's reference on each detail or only
    # on the entry
    batch = [
        [
            Pay(QRR, Decimal("10.00"), ref="B-1"),
            Pay(QRR, Decimal("20.00"), ref="B-2"),
            Pay(SCOR, Decimal("30.00"), ref="B-3"),
        ]
    ]
    data = camt054(iban=IBAN, payments=[], batch=batch)
    # when
    document = camt_read(data)
    # then
    _compare(document.transactions, Camt054Parser(data).get_transactions())
    assert [t.amount for t in document.transactions] == [
        Decimal("10.00"),
        Decimal("20.00"),
        Decimal("30.00"),
    ]
    assert [t.entry_ref for t in document.transactions] == ["B-1", "B-2", "B-3"]


def test_entry_refs_without_bank_reference_are_stable_and_distinct():
    # two equal payments without a bank reference are two payments; the same file read again
    # gives the same keys
    twins = [Pay(QRR, Decimal("5.00")), Pay(QRR, Decimal("5.00"))]
    data = camt054(iban=IBAN, payments=twins)
    keys = [t.entry_ref for t in camt_read(data).transactions]
    assert len(set(keys)) == 2
    assert keys == [t.entry_ref for t in camt_read(data).transactions]
    # and the same payment in a statement of the same account gets the same key
    assert keys == [t.entry_ref for t in camt_read(camt053(iban=IBAN, payments=twins)).transactions]


def test_version_04_and_reversal_read():
    data = camt054(iban=IBAN, payments=[Pay(QRR, Decimal("3.00"), ref="R", reversal=True)])
    data = data.replace(b"camt.054.001.08", b"camt.054.001.04")
    data = data.replace(
        b"<Dbtr><Pty><Nm>Muster Bau SA</Nm></Pty></Dbtr>", b"<Dbtr><Nm>X</Nm></Dbtr>"
    )
    data = data.replace(b"<Sts><Cd>BOOK</Cd></Sts>", b"<Sts>PDNG</Sts>")
    (tx,) = camt_read(data).transactions
    assert tx.reversal is True
    assert tx.debtor_name == "X"
    assert tx.booked is False


def _refused(data: bytes, language: str = "en") -> str:
    with translation.override(language), pytest.raises(CamtError) as error:
        camt_read(data)
    return str(error.value)


def test_xxe_and_billion_laughs_refused():
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">&x;</Document>'
    )
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>'
    )
    external = b'<?xml version="1.0"?><!DOCTYPE Document SYSTEM "http://127.0.0.1:9/x.dtd"><a/>'
    for data in (xxe, laughs, external):
        assert "DTD" in _refused(data)


def test_wrong_namespace_and_pain001_refused():
    good = camt054(iban=IBAN, payments=PAYMENTS)
    pain = good.replace(b"camt.054.001.08", b"pain.001.001.09")
    assert "pain.001.001.09" in _refused(pain)
    assert "camt.054.001.02" in _refused(good.replace(b"camt.054.001.08", b"camt.054.001.02"))
    assert "expected" in _refused(b"<Document/>")


def test_truncated_and_not_xml_refused():
    good = camt054(iban=IBAN, payments=PAYMENTS)
    assert "well-formed" in _refused(good[: len(good) // 2])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("camt.xml", good)
    assert "not XML" in _refused(buffer.getvalue())
    assert "not XML" in _refused(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")


@pytest.mark.parametrize(
    "amount",
    ["NaN", "1E+3", "-5.00", "1234567890123.00", "12.345", "0x10", "", "1,50", "Infinity"],
)
def test_bad_amounts_refused(amount):
    good = camt054(iban=IBAN, payments=[Pay(QRR, Decimal("175.60"), ref="A")])
    data = good.replace(b">175.60<", f">{amount}<".encode())
    assert "amount" in _refused(data).lower()


def test_amount_limits():
    good = camt054(iban=IBAN, payments=[Pay(QRR, Decimal("175.60"), ref="A")])
    ten_digits = good.replace(b">175.60<", b">9999999999.99<")
    assert camt_read(ten_digits).transactions[0].amount == Decimal("9999999999.99")
    assert camt_read(good.replace(b">175.60<", b">7.50000<")).transactions[0].amount == Decimal(
        "7.50"
    )


@pytest.mark.parametrize("day", ["2026-02-30", "2026-13-01", "26-12-01", "yesterday", "20261204"])
def test_bad_dates_refused(day):
    good = camt054(iban=IBAN, payments=[Pay(QRR, Decimal("1.00"), ref="A")])
    data = good.replace(b"<BookgDt><Dt>2026-12-04</Dt>", f"<BookgDt><Dt>{day}</Dt>".encode())
    assert "date" in _refused(data)


def test_too_large_refused():
    assert "20 MB" in _refused(b"<" + b" " * (20 * 1024 * 1024 + 1))


def test_datetime_booking_read_in_zurich():
    good = camt054(iban=IBAN, payments=[Pay(QRR, Decimal("1.00"), ref="A")])
    data = good.replace(
        b"<BookgDt><Dt>2026-12-04</Dt>", b"<BookgDt><DtTm>2026-12-04T23:30:00Z</DtTm>"
    )
    assert camt_read(data).transactions[0].booking_date == dt.date(2026, 12, 5)


def test_message_refused_in_french():
    assert _refused(b"PK\x03\x04", "fr").startswith("Ce fichier n'est pas du XML")


def test_amount_in_amount_details_read():
    # .04 files give a transaction's amount in AmtDtls/TxAmt/Amt (no TxDtls/Amt)
    batch = [[Pay(QRR, Decimal("10.00"), ref="B-1"), Pay(QRR, Decimal("20.00"), ref="B-2")]]
    data = camt054(iban=IBAN, payments=[], batch=batch)
    for amount in (b"10.00", b"20.00"):
        data = data.replace(
            b'<Amt Ccy="CHF">' + amount + b"</Amt><CdtDbtInd>CRDT</CdtDbtInd><BkTxCd>",
            b'<AmtDtls><TxAmt><Amt Ccy="CHF">' + amount + b"</Amt></TxAmt></AmtDtls>"
            b"<CdtDbtInd>CRDT</CdtDbtInd><BkTxCd>",
            1,
        )
    assert b"<AmtDtls>" in data
    assert [t.amount for t in camt_read(data).transactions] == [Decimal("10.00"), Decimal("20.00")]


def test_utf16_and_entity_declarations_refused():
    xxe = (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE d [<!ENTITY x SYSTEM '
        '"file:///etc/passwd">]><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">'
        "&x;</Document>"
    ).encode("utf-16")
    assert "XML" in _refused(xxe)


def test_structure_checked():
    good = camt054(iban=IBAN, payments=[Pay(QRR, Decimal("1.00"), ref="A")])
    # the root is the Document, nothing else in the camt namespace
    bare = good.replace(b"<Document ", b"<BkToCstmrDbtCdtNtfctn ").replace(
        b"</Document>", b"</BkToCstmrDbtCdtNtfctn>"
    )
    bare = bare.replace(b"<BkToCstmrDbtCdtNtfctn><GrpHdr>", b"<GrpHdr>", 1).replace(
        b"</BkToCstmrDbtCdtNtfctn></BkToCstmrDbtCdtNtfctn>", b"</BkToCstmrDbtCdtNtfctn>"
    )
    assert "expected" in _refused(bare)
    assert "MsgId" in _refused(good.replace(b"<MsgId>MSG-054-1</MsgId>", b""))
    assert "IBAN" in _refused(good.replace(f"<IBAN>{IBAN}</IBAN>".encode(), b""))
    start, end = good.index(b"<Ntfctn>"), good.index(b"</Ntfctn>") + len(b"</Ntfctn>")
    assert "notification" in _refused(good[:start] + good[end:])


def test_bad_currency_refused():
    good = camt054(iban=IBAN, payments=[Pay(QRR, Decimal("1.00"), ref="A")])
    assert "currency" in _refused(good.replace(b'Ccy="CHF"', b'Ccy="chf1"'))


def test_transaction_direction_and_batch_keys():
    # a detail's own CdtDbtInd wins over its entry's
    single = camt054(iban=IBAN, payments=[Pay(QRR, Decimal("1.00"), ref="A")])
    debit = single.replace(
        b"</Amt><CdtDbtInd>CRDT</CdtDbtInd><BkTxCd>", b"</Amt><CdtDbtInd>DBIT</CdtDbtInd><BkTxCd>"
    )
    assert camt_read(debit).transactions[0].credit is False
    # details without a bank reference of their own: the entry's, numbered
    batch = [[Pay(QRR, Decimal("10.00"), ref="B"), Pay(QRR, Decimal("20.00"), ref="B")]]
    data = camt054(iban=IBAN, payments=[], batch=batch).replace(
        b"<AcctSvcrRef>B</AcctSvcrRef>", b""
    )
    assert [t.entry_ref for t in camt_read(data).transactions] == ["B-E/1", "B-E/2"]


def test_huge_text_node_refused():
    data = camt054(iban=IBAN, payments=[Pay("", Decimal("1.00"), ref="A", text="x" * (11 * 2**20))])
    assert "well-formed" in _refused(data)
