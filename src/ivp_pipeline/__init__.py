"""ivp: evidence base for the Integraal Veiligheidsplan Noordoost Twente (ingest, score, report)."""

__version__ = "0.1.0"
