// Validates APL documents with Amazon's apl-suggester, offline.
// stdin: a JSON list of {"name", "document", "datasources"}; stdout: a JSON list of
// {"name", "problems": [...]} where problems are apl-suggester's findings (any is a failure).
// apl-suggester would download imported packages (alexa-viewport-profiles) from Amazon's
// asset host; that request is refused here so the result never depends on the network.
// The imported resources are then unknown to it, which it does not report.
const axios = require('axios');
axios.defaults.adapter = async (config) => { throw new Error(`offline: ${config.url}`); };
const { StaticAplTemplateValidator } = require('apl-suggester');

const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', async () => {
  const items = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const out = [];
  // The suggester prints notes such as "No mixin for component" to the console: keep stdout JSON.
  console.log = console.error;
  for (const item of items) {
    const validator = new StaticAplTemplateValidator();
    const problems = [
      ...(await validator.validate(item.document)),
      ...(await validator.validateDataSources(item.datasources || {})),
    ];
    out.push({ name: item.name, problems });
  }
  process.stdout.write(JSON.stringify(out));
});
