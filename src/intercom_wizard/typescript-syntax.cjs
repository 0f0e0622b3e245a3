// Syntax check with the project's own TypeScript (its parser knows the syntax that version accepts).
// stdin: {"typescript": "<path to the typescript package>", "files": [{"path": "...", "text": "..."}]}
// stdout: {"<path>": ["line:col message", ...]} - only files with errors are listed.
'use strict';

const chunks = [];
process.stdin.on('data', (chunk) => chunks.push(chunk));
process.stdin.on('end', () => {
  const request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const ts = require(request.typescript);
  const errors = {};
  for (const file of request.files) {
    const result = ts.transpileModule(file.text, {
      fileName: file.path,
      reportDiagnostics: true,
      compilerOptions: { allowJs: true, jsx: ts.JsxEmit.Preserve, target: ts.ScriptTarget.ESNext },
    });
    const messages = (result.diagnostics || [])
      .filter((d) => d.category === ts.DiagnosticCategory.Error)
      .map((d) => {
        const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : null;
        const text = ts.flattenDiagnosticMessageText(d.messageText, ' ');
        return where ? `${where.line + 1}:${where.character + 1} ${text}` : text;
      });
    if (messages.length) {
      errors[file.path] = messages;
    }
  }
  process.stdout.write(JSON.stringify(errors));
});
