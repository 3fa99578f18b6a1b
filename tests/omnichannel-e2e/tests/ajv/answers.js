// Ajv's answers for `tests/ajv_agreement.rs`: reads `{schemas, cases}` as JSON on stdin (a case
// is `[schema index, value]`), validates every value with Ajv as Rocket.Chat configures it
// (`coerceTypes: true`, first error only) and writes, per case, `null` (valid) or the message
// Rocket.Chat puts in front of `[invalid-params]` (the errors' messages joined with "\n ").
"use strict";
const fs = require("fs");
const Ajv = require("ajv").default;

const input = JSON.parse(fs.readFileSync(0, "utf8"));
// `strict: false`: OpenAPI's annotations (`example`, `x-*`) and unknown formats are ignored.
const ajv = new Ajv({coerceTypes: true, allErrors: false, strict: false, logger: false});
const validators = input.schemas.map((schema) => ajv.compile(schema));
const answers = input.cases.map(([index, value]) => {
  const validate = validators[index];
  return validate(value) ? null : validate.errors.map((e) => e.message).join("\n ");
});
process.stdout.write(JSON.stringify({ajv: require("ajv/package.json").version, answers}));
