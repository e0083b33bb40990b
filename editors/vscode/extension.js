// Minimal VS Code client for `graphoid lsp` (vscode-languageclient over stdio).
"use strict";
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const cfg = vscode.workspace.getConfiguration("graphoid");
  const command = cfg.get("server.command", "graphoid");
  const args = ["lsp", ...cfg.get("server.extraArgs", [])];
  const serverOptions = {
    run: { command, args, transport: TransportKind.stdio },
    debug: { command, args, transport: TransportKind.stdio },
  };
  const clientOptions = {
    documentSelector: [{ scheme: "file", language: "graphoid" }, { scheme: "untitled", language: "graphoid" }],
  };
  client = new LanguageClient("graphoid", "graphoid language server", serverOptions, clientOptions);
  client.start();
  context.subscriptions.push({ dispose: () => client && client.stop() });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
