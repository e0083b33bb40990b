"""graphoid: a proof assistant for conditional independence and graphoid reasoning."""
__version__ = "0.1.0"
