// Validates an AsyncAPI document with the official parser (@asyncapi/parser 3, installed by the Maven build into
// target/asyncapi-parser). Usage: node validate.cjs <parser-prefix> <document>. Prints every diagnostic; exits 1 when
// one is an error (severity 0), 2 when the document cannot be read.
const path = require('path');
const fs = require('fs');
const { Parser } = require(path.resolve(process.argv[2], 'node_modules', '@asyncapi', 'parser'));

async function main() {
  const text = fs.readFileSync(process.argv[3], 'utf8');
  const { document, diagnostics } = await new Parser().parse(text);
  let errors = 0;
  for (const d of diagnostics) {
    console.log(`severity ${d.severity} ${d.code} at ${JSON.stringify(d.path)}: ${d.message}`);
    if (d.severity === 0) {
      errors++;
    }
  }
  if (document === undefined || errors > 0) {
    console.log(`INVALID: ${errors} errors`);
    process.exit(1);
  }
  console.log(`VALID: AsyncAPI ${document.version()}, ${document.channels().length} channels, `
      + `${document.operations().length} operations, ${document.messages().length} messages`);
}

main().catch(e => {
  console.log(`UNREADABLE: ${e}`);
  process.exit(2);
});
