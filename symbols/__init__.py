"""The glossary's hand-written data (installed as ``paperkit.symbols``): one TOML file per group of notation."""
