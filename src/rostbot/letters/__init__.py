"""Printable invitation letters: one A4 page per new invitation, with a QR code of its link.

template.py fills the organisation's letter template (Jinja2) with the flow's facts;
page.py lays out the pages (fpdf2, a font with every Swedish and Danish letter, the
QR code from segno); mail_merge.py writes the CSV for a word processor's mail merge;
making.py makes the invitations and the files together, or neither; cli.py is
`rostbot letters`. rostbot never holds a name or an address: the address window is
left blank for the organisation's own mail merge or a person.
"""
