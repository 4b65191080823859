"""The paper catalog: one TOML file per paper, installed as the data package ``paperkit.papers``."""
