"""The seminar report: one self-contained HTML file made from an export folder.

`making.make_report` is what `rostbot report DIR --lang sv|da --out report.html` runs:

* `export_folder` checks every file against the manifest's SHA-256 and parses it;
* `content` decides what to show (pure): counts, charts per indicator, free text;
* `charts` draws with matplotlib as SVG; `page` fills the Jinja2 template;
* `words` holds the report's fixed texts in Swedish and Danish.

Every failure is a `errors.ReportError` with a one-line message. This file imports
nothing, so the CLI can name the error class without loading matplotlib.
"""
