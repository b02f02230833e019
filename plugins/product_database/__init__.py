"""The product database: the tenant's catalogue of what its studies test (drugs, devices,
cosmetic formulas), their formula versions and their batches, and the products each study
uses, under a blinding code where the study is blinded."""

__version__ = "0.1.0"
