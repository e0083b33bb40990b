// Tokenizes a .gph file with VS Code's own TextMate engine (vscode-textmate + vscode-oniguruma),
// to check the grammar: node scripts/tokenize.js GRAMMAR FILE [LINE-PREFIX-TO-SHOW]
const fs = require('fs'); const path = require('path');
const vsctm = require('vscode-textmate'); const oniguruma = require('vscode-oniguruma');
const wasm = fs.readFileSync(path.join(__dirname, '..', 'node_modules/vscode-oniguruma/release/onig.wasm')).buffer;
const onigLib = oniguruma.loadWASM(wasm).then(() => ({
  createOnigScanner: (p) => new oniguruma.OnigScanner(p), createOnigString: (s) => new oniguruma.OnigString(s) }));
const registry = new vsctm.Registry({ onigLib, loadGrammar: async (scope) => {
  const p = process.argv[2]; return vsctm.parseRawGrammar(fs.readFileSync(p, 'utf8'), p); } });
registry.loadGrammar('source.graphoid').then(g => {
  const lines = fs.readFileSync(process.argv[3], 'utf8').split('\n');
  let st = vsctm.INITIAL; const counts = {};
  for (const line of lines) {
    const r = g.tokenizeLine(line, st);
    for (const t of r.tokens) { const s = t.scopes[t.scopes.length-1]; const txt = line.substring(t.startIndex, t.endIndex);
      if (process.argv[4] && line.startsWith(process.argv[4])) console.log(JSON.stringify(txt), s);
      counts[s] = (counts[s]||0)+1; }
    st = r.ruleStack;
  }
  console.log(counts);
}).catch(e => { console.error('ERR', e); process.exit(1); });
