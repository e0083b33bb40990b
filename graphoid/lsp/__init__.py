"""`graphoid lsp`: a Language Server Protocol server for *.gph proof scripts (pygls on lsprotocol).

incremental.py re-checks from the first edited item on; analysis.py answers the editor's questions
(diagnostics, hover, definitions, completion, code actions, outline) from a checked report;
server.py wires both to the protocol."""
