// Validates an OpenAPI 3.1 document against the specification's JSON schema, and checks that
// every operation has an operationId, unique in the document (generated clients need both).
import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";

const path = process.argv[2];
const doc = JSON.parse(readFileSync(path, "utf8"));
const validator = new Validator();
const result = await validator.validate(doc);
const problems = [];
if (!result.valid) problems.push(JSON.stringify(result.errors, null, 2));
if (validator.version !== "3.1") problems.push(`expected OpenAPI 3.1, found ${validator.version}`);
const seen = new Map();
for (const [route, item] of Object.entries(doc.paths ?? {})) {
  for (const [method, op] of Object.entries(item)) {
    if (!["get", "put", "post", "delete", "options", "head", "patch"].includes(method)) continue;
    const id = op.operationId;
    if (!id) problems.push(`${method.toUpperCase()} ${route}: no operationId`);
    else if (seen.has(id)) problems.push(`${id}: used by ${seen.get(id)} and ${method} ${route}`);
    else seen.set(id, `${method} ${route}`);
  }
}
if (problems.length > 0) {
  console.error(`check-openapi: ${path} is not valid:\n${problems.join("\n")}`);
  process.exit(1);
}
console.log(`check-openapi: ok (OpenAPI ${validator.version}, ${seen.size} operations)`);
