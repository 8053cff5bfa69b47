"""Privacy: erasure on request and by retention."""
