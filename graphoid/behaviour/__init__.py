"""Behaviours in contextuality scenarios: no-disturbance and factorisability with exact certificates.

    from graphoid.behaviour import load_behaviour, decide, verify_certificate
    b = load_behaviour("examples/behaviours/chsh_tsirelson.csv")
    r = decide(b)
    r.answer, r.exit_code, r.conclusion()
    verify_certificate(b, r.to_json())      # independent exact re-check

Format: docs/behaviour.md.
"""
from .decide import Decomposition, Inequality, Result, decide
from .formats import load_behaviour, parse_csv, parse_json, parse_text
from .model import Behaviour, BehaviourError, Scenario, make_behaviour
from .nodisturbance import Disturbance, check_no_disturbance
from .verify import CertificateError, verify_certificate

__all__ = ["Behaviour", "BehaviourError", "CertificateError", "Decomposition", "Disturbance", "Inequality",
           "Result", "Scenario", "check_no_disturbance", "decide", "load_behaviour", "make_behaviour",
           "parse_csv", "parse_json", "parse_text", "verify_certificate"]
