"""The demo's sample fillable PDF and the small AcroForm writer that makes it (and the tests' PDFs)."""
