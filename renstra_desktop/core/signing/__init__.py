"""Local PAdES B-B signatures on exported reports (offline, no timestamp server) with a PKCS#12
file, and their check.

Two signatures per document, in this order, each an incremental update so earlier ones stay valid:
``konseptor`` ("Disiapkan oleh", field ``Sig_Konseptor``) then ``kepala`` ("Disetujui oleh",
field ``Sig_Kepala``).  Modules: :mod:`.sign` (sign_pdf, add_signature_spots), :mod:`.verify`
(verify_pdf), :mod:`.stamp` (the visible stamp), :mod:`.credentials` (PKCS#12 and certificate
checks), :mod:`.files` (reading and writing the PDFs).  Everything here loads pyHanko: import it
only where a signature is made or checked.
"""
