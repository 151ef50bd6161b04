// Lints BPMN files with bpmnlint and the newest Camunda 8 ("camunda-cloud") configuration of
// bpmnlint-plugin-camunda-compat, parsing Zeebe extensions as Camunda Modeler does.
// Usage: node lint.js FILE...   Prints one JSON object: {file: [{id, rule, message, category}]}.
'use strict';

const fs = require('fs');
const { BpmnModdle } = require('bpmn-moddle');
const zeebe = require('zeebe-bpmn-moddle/resources/zeebe.json');
const { Linter } = require('bpmnlint');
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver');
const compat = require('bpmnlint-plugin-camunda-compat');

function newestCloudConfig() {
  const versions = Object.keys(compat.configs)
    .map((name) => /^camunda-cloud-(\d+)-(\d+)$/.exec(name))
    .filter(Boolean)
    .map((m) => [Number(m[1]), Number(m[2]), m[0]]);
  versions.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return versions[versions.length - 1][2];
}

async function main(files) {
  const config = newestCloudConfig();
  const linter = new Linter({
    config: { extends: [`plugin:camunda-compat/${config}`] },
    // Resolve the plug-in from this folder, wherever the script is run from.
    resolver: new NodeResolver({ require }),
  });
  const moddle = new BpmnModdle({ zeebe });
  const out = { config, results: {} };
  for (const file of files) {
    const { rootElement, warnings } = await moddle.fromXML(fs.readFileSync(file, 'utf8'));
    const reports = await linter.lint(rootElement);
    const found = [];
    for (const [rule, items] of Object.entries(reports)) {
      for (const item of items) {
        found.push({ rule, id: item.id, message: item.message, category: item.category });
      }
    }
    for (const warning of warnings) {
      found.push({ rule: 'parse', id: '', message: warning.message, category: 'warn' });
    }
    out.results[file] = found;
  }
  process.stdout.write(JSON.stringify(out));
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`lint.js: ${error.message}\n`);
  process.exit(2);
});
