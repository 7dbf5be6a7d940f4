"""Forms and questionnaires: the library, sending, completing, scoring, alerts.

- definitions.py: what a form asks and how it is scored (checked JSON)
- fields.py: one answer checked and stored clean
- scoring.py: scores, bands and flags from a version's rules
- library.py: forms, versions, packages; the built-in data files
- assignments.py: sending a form, a package, a recurrence
- responses.py: drafts, submit, signatures; what clients and staff read
- alerts.py: risk alerts until acknowledged
- chart_changes.py: demographics answers as proposals staff accept or reject
- pdf_forms.py: uploaded fillable PDFs as forms (pdf_reading.py checks and
  reads a PDF, pdf_filling.py writes the answers into a flattened copy)
- export.py: a submitted response as a PDF file
"""
