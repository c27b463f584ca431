import pytest
from django import forms
from django.core.exceptions import ValidationError

from interactions.drafting import check_phi, phi_findings, validate_no_phi


def spans(text):
    return [text[f.start : f.end] for f in check_phi(text)]


@pytest.mark.parametrize(
    "text, flagged",
    [
        ("Her MRN: 00482913 is in the chart.", "MRN: 00482913"),
        ("medical record number 4455-6677", "medical record number 4455-6677"),
        ("DOB 03/14/1962, seen Tuesday.", "DOB 03/14/1962"),
        ("date of birth: 14 March 1962", "date of birth: 14 March 1962"),
        ("I saw patient John Smith this morning.", "patient John Smith"),
        (
            "Mr. Jones was diagnosed with metastatic breast cancer.",
            "Mr. Jones was diagnosed with metastatic breast cancer",
        ),
        ("My patient Maria has COPD.", "patient Maria has COPD"),
        ("Mrs. Lee (pt. J.L.) suffers from dementia.", "Mrs. Lee (pt. J.L.) suffers from dementia"),
    ],
)
def test_it_flags_patient_information(text, flagged):
    assert flagged in spans(text)
    assert all(f.kind == "phi" for f in check_phi(text))


@pytest.mark.parametrize(
    "text",
    [
        "I loved your talk on patient safety and remote patient monitoring.",
        "Dr. Chen presented a trial on heart failure.",
        "Patient Safety Week is coming up in May.",
        "The record number of attendees was 12000 this year.",
        "Ms. Alvarez asked me to send you the slides.",
        "Patients with diabetes did better with weekly calls.",
        "We were born in the same town, I think.",
    ],
)
def test_it_leaves_ordinary_text_alone(text):
    assert check_phi(text) == []


def test_phi_findings_is_the_form_helper():
    assert phi_findings("") == []
    assert phi_findings("MRN 12345678")[0].message == "This looks like a medical record number."


def test_validate_no_phi_stops_a_form_and_quotes_the_text():
    class NoteForm(forms.Form):
        note = forms.CharField(validators=[validate_no_phi])

    form = NoteForm({"note": "Patient Anna Berg, DOB 1950-02-01"})
    assert not form.is_valid()
    assert "DOB 1950-02-01" in form.errors["note"][0]
    assert NoteForm({"note": "Coffee after grand rounds."}).is_valid()
    with pytest.raises(ValidationError):
        validate_no_phi("MRN 998877")
