"""fast.ai lesson 11's matrix-multiplication lab: the matrix product and the Frobenius norm from scratch."""
