"""Write the demo's sample fillable PDF, release_of_records.pdf, beside this file.

    python -m models.forms.samples.make_sample

A release-of-records form with every kind of AcroForm field the import
reads: text, multi-line text, checkboxes, a radio group, a drop-down, a
list and a multi-select list. The demo seed imports it (pdf_forms.import_sample_pdf).
"""
from __future__ import annotations

from pathlib import Path

from .acroform import FieldSpec, fillable_pdf

TARGET = Path(__file__).with_name("release_of_records.pdf")

FIELDS = [
    FieldSpec("client_name", "text", "Client's full name", "Client's full name"),
    FieldSpec("client_dob", "text", "Date of birth (MM/DD/YYYY)", "Client's date of birth (MM/DD/YYYY)"),
    FieldSpec("release_to", "text", "Release to", "Release the records to (person or organization)"),
    FieldSpec("release_to_address", "multiline", "Their address", "Their address, phone or fax"),
    FieldSpec("records", "multilist", "Records to release", "Which records may be released",
              ("Treatment summary", "Diagnosis", "Dates of attendance", "Psychological testing", "Billing records")),
    FieldSpec("purpose", "combo", "Purpose", "Purpose of the release",
              ("Continuity of care", "Insurance", "Legal", "Personal use", "Other")),
    FieldSpec("delivery", "radio", "Send by", "How the records are sent", ("Mail", "Fax", "Pick_up")),
    FieldSpec("valid_for", "list", "Valid for", "This release is valid for",
              ("90 days", "6 months", "1 year", "Until I revoke it")),
    FieldSpec("understand_revoke", "checkbox", "I may revoke this in writing",
              "I understand I may revoke this release in writing at any time"),
    FieldSpec("understand_redisclosure", "checkbox", "Records may be re-disclosed",
              "I understand the receiver may share the records again and the law may no longer protect them"),
    FieldSpec("notes", "multiline", "Anything else", "Anything else the practice should know"),
]


def main() -> None:
    TARGET.write_bytes(fillable_pdf(FIELDS, title="Release of Records"))
    print(f"Wrote {TARGET}")


if __name__ == "__main__":
    main()
