"""Local PAdES B-B signatures on exported reports (offline, no timestamp server) with a PKCS#12
file, and their check.

Two signatures per document, in this order, each an incremental update in a signature field the
report prepared: ``konseptor`` ("Disiapkan oleh"; the paraf cell when the report has a paraf table)
then ``kepala`` ("Disetujui oleh", between jabatan and name).  Modules: :mod:`.roles` (the roles
and their fields; no pyHanko), :mod:`.sign` (sign_pdf), :mod:`.verify` (verify_pdf: every change
after each signature), :mod:`.stamp` (the visible stamp), :mod:`.credentials` (PKCS#12 and
certificate checks), :mod:`.files` (reading and writing the PDFs).  Everything but :mod:`.roles`
loads pyHanko: import it only where a signature is made or checked.
"""
