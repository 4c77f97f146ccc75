from stdnum import iso11649
from stdnum.ch import esr

from commune.billing.references import qrr_for, reference_display, reference_normal, scor_for


def test_qrr_is_27_digits_with_a_mod10_recursive_check_digit():
    # given the 5th invoice of 2026
    # when its QR reference is made
    reference = qrr_for(year=2026, sequence=5)
    # then it is 27 digits, valid, and the check digit is the one SIX's algorithm gives
    assert len(reference) == 27 and reference.isdigit()
    assert esr.is_valid(reference)


def _mod10_recursive(digits: str) -> str:
    """SIX IG QR-bill annex B, written out here independently of the code under test."""
    table = [0, 9, 4, 6, 8, 2, 7, 1, 3, 5]
    carry = 0
    for digit in digits:
        carry = table[(carry + int(digit)) % 10]
    return str((10 - carry) % 10)


def test_check_digit_agrees_with_the_six_recursion():
    # the SIX example reference 21 00000 00003 13947 14300 09017 has check digit 7
    assert _mod10_recursive("21000000000313947143000901") == "7"
    for sequence in (1, 7, 99, 12345, 99999):
        reference = qrr_for(year=2027, sequence=sequence)
        assert reference[-1] == _mod10_recursive(reference[:-1])


def test_scor_is_a_valid_iso11649_reference():
    reference = scor_for(year=2026, sequence=5)
    assert reference.startswith("RF") and iso11649.is_valid(reference)


def test_reference_normal_accepts_printed_forms_and_refuses_a_wrong_check_digit():
    qrr = qrr_for(year=2026, sequence=12)
    assert reference_normal(reference_display(qrr)) == qrr
    assert reference_normal(qrr.lstrip("0")) == qrr
    broken = qrr[:-1] + str((int(qrr[-1]) + 1) % 10)
    assert reference_normal(broken) is None
    scor = scor_for(year=2026, sequence=12)
    assert reference_normal(reference_display(scor).lower()) == scor
    assert reference_normal("RF00" + scor[4:]) is None
    assert reference_normal("facture 12") is None
    assert reference_normal(None) is None
