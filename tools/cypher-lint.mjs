// Checks Cypher statements with Neo4j's own Cypher front end, as shipped in
// npm @neo4j-cypher/language-support (its ANTLR parser plus Neo4j's semantic
// analysis compiled to JavaScript), and prints one JSON line per diagnostic:
//
//   {"statement": NAME, "severity": "error"|"warning", "message": TEXT,
//    "line": N, "column": N}            (line and column count from 1)
//
// Usage: node tools/cypher-lint.mjs INPUT.json
//
// INPUT.json:
//   {"schema": {"labels": [...], "relationshipTypes": [...], "propertyKeys": [...]},
//    "statements": [{"name": "...", "cypher": "...", "params": ["ids", ...]}]}
//
// It exits 0 whatever it finds (the caller, neo4j/cypher_lint_test.go, judges
// the diagnostics), 2 on a usage error (no or unreadable input, bad shape), and
// 1 if the checker itself breaks.
//
// What each statement is checked against — the target is Neo4j 5.26 LTS:
//
//  * lintCypherQuery(cypher, dbSchema): syntax, then Neo4j's semantic analysis
//    (undefined variables, wrong argument counts and types of built-in
//    functions, removed or deprecated syntax, ...), then the schema checks of
//    the package: labels, relationship types and property keys read in
//    MATCH/WITH/RETURN, parameters, functions and procedures.
//    dbSchema.defaultLanguage is 'CYPHER 5': Neo4j 5.26 speaks Cypher 5 only.
//    dbSchema.parameters holds only the statement's own params, so a $param the
//    statement uses but does not declare is an error. The linter only checks
//    that a parameter is present, so the sample values are placeholders.
//
//  * Functions and procedures: the package ships no built-in list for
//    production use. A client normally fills dbSchema.functions/procedures
//    from a live server (SHOW FUNCTIONS / SHOW PROCEDURES); without them it
//    checks no function or procedure names at all, so `toLowr(x)` would pass.
//    The package does export `testData.mockSchema`, a full
//    SHOW FUNCTIONS / SHOW PROCEDURES snapshot of a real Neo4j server, per
//    Cypher version. It is pinned to an exact version in package.json, so it
//    cannot change under us. From its 'CYPHER 5' part we take:
//      - functions with isBuiltIn: true (drops APOC and GDS plugin functions,
//        which a plain 5.26 server does not have), with their deprecation flags;
//      - procedures in the db., dbms. and tx. namespaces (drops apoc., gds.
//        and the Enterprise-only cdc.).
//    The snapshot comes from a newer server running Cypher 5. Cypher 5 was
//    frozen in 2025.06, so this list is close to 5.26's own. Known gaps: a
//    function added to Cypher 5 in 2025.01-2025.05, or an Enterprise-only
//    db./dbms. procedure, would pass here and fail on a 5.26 Community server.
//    If the snapshot is missing or looks wrong (a future version of the
//    package), the tool fails (exit 1) rather than check functions against
//    nothing.
//
//  * Checks this tool adds, because the package leaves these out:
//    - vocabulary: every label, relationship type and property key in every
//      clause must be in the schema. The package checks names only in read
//      clauses, and never a property that the same statement writes. These
//      checks also cover CREATE, MERGE, SET and REMOVE and schema commands
//      (CREATE CONSTRAINT / INDEX). A property key counts only where it is
//      certainly a stored property: in a node or relationship pattern's map,
//      in `x.key` where Neo4j's semantic analysis typed x as a node or
//      relationship, in a map projection `x {.key}` of such an x, and in
//      schema commands. Keys of plain maps (a row from $rows, a returned map)
//      are not checked. This check replaces the package's own
//      unknown-property warning, which flags `from` in
//      `MATCH (a:Entity {id: row.from})` as if it were a property of `a`;
//    - one statement only: the driver runs one statement at a time;
//    - no `CYPHER <version>` prefix: version selection arrived in 2025.06;
//    - every declared param is used: a declared param the statement never
//      reads means the Params list is wrong.
import { readFileSync } from 'node:fs';
import {
  lintCypherQuery,
  parseParameters,
  parseStatementsStrs,
  testData,
} from '@neo4j-cypher/language-support';
// The parse tree is not in the package's public API. Import it by file, from
// the same module instance the public index uses. The package version is
// pinned exactly, so this path is fixed. If an upgrade moves the file, the
// import fails loudly.
import { createParsingResult } from '../node_modules/@neo4j-cypher/language-support/dist/esm/project/language-support/src/cypherLanguageService.js';

const CYPHER_VERSION = 'CYPHER 5';

function usage(msg) {
  console.error(`cypher-lint: ${msg}`);
  console.error('usage: node tools/cypher-lint.mjs INPUT.json');
  process.exit(2);
}

// --- input -----------------------------------------------------------------

if (process.argv.length !== 3) usage('expected exactly one argument');
let input;
try {
  input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
} catch (e) {
  usage(`cannot read ${process.argv[2]}: ${e.message}`);
}
const isStringArray = (a) => Array.isArray(a) && a.every((s) => typeof s === 'string');
const schema = input?.schema;
if (
  !schema ||
  !isStringArray(schema.labels) ||
  !isStringArray(schema.relationshipTypes) ||
  !isStringArray(schema.propertyKeys)
) {
  usage('schema must have string arrays labels, relationshipTypes, propertyKeys');
}
if (!Array.isArray(input.statements)) usage('statements must be an array');
for (const [i, s] of input.statements.entries()) {
  if (typeof s?.name !== 'string' || typeof s.cypher !== 'string' || !(s.params == null || isStringArray(s.params))) {
    usage(`statements[${i}] must have string name, string cypher and string array params`);
  }
}

// --- functions and procedures known to a Neo4j 5 server ---------------------

function knownFunctionsAndProcedures() {
  const fns = testData?.mockSchema?.functions?.[CYPHER_VERSION];
  const procs = testData?.mockSchema?.procedures?.[CYPHER_VERSION];
  if (!fns || !procs) {
    throw new Error(`the package no longer ships testData.mockSchema for ${CYPHER_VERSION}; update tools/cypher-lint.mjs`);
  }
  const functions = Object.fromEntries(Object.entries(fns).filter(([, f]) => f.isBuiltIn === true));
  const procedures = Object.fromEntries(
    Object.entries(procs).filter(([name]) => /^(db|dbms|tx)\./.test(name)),
  );
  // Sanity: a list without these is not the built-in list we think it is.
  for (const name of ['toLower', 'coalesce', 'count', 'collect', 'elementId', 'size', 'keys']) {
    if (!functions[name]) throw new Error(`built-in function ${name} missing from the package's snapshot`);
  }
  for (const name of ['db.awaitIndexes', 'db.labels', 'db.index.fulltext.queryNodes']) {
    if (!procedures[name]) throw new Error(`procedure ${name} missing from the package's snapshot`);
  }
  if (Object.keys(functions).length < 100) {
    throw new Error(`only ${Object.keys(functions).length} built-in functions in the package's snapshot`);
  }
  return { functions, procedures };
}

// A placeholder value for a parameter, by the backend's naming habits. The
// linter only checks that a parameter is present, never its type.
function sampleValue(name) {
  if (/^(limit|skip|offset)$/i.test(name) || /(Rank|Count|Size|Depth)$/.test(name)) return 10;
  if (/^(has|is)[A-Z]/.test(name)) return true;
  if (/^(rows|entries)$/i.test(name) || /Rows$/.test(name)) return [{ id: 'sample:1' }];
  if (/s$/.test(name) && !/(ss|us|is)$/.test(name)) return ['sample:1'];
  return 'sample';
}

// --- checks this tool adds ----------------------------------------------------

// Rule names of the package's parser (antlr4ng contexts carry only a rule index).
let ruleNames = [];
const ruleName = (ctx) => (ctx && typeof ctx.ruleIndex === 'number' ? ruleNames[ctx.ruleIndex] : undefined);
const children = (ctx) => ctx?.children ?? [];
const ruleChildren = (ctx, name) => children(ctx).filter((c) => ruleName(c) === name);
function ancestor(ctx, names) {
  for (let p = ctx.parent; p; p = p.parent) if (names.includes(ruleName(p))) return p;
  return undefined;
}
function* walk(ctx) {
  yield ctx;
  for (const c of children(ctx)) if (ruleName(c) !== undefined) yield* walk(c);
}
const unquote = (s) => (s.startsWith('`') && s.endsWith('`') ? s.slice(1, -1).replaceAll('``', '`') : s);

// Every label, relationship type and property key named in the statement,
// with what it must be: 'label', 'relType', 'labelOrRelType', 'property'.
function namesUsed(tree, isEntity) {
  const out = [];
  const add = (kind, nameCtx) => {
    if (!nameCtx?.start) return;
    out.push({ kind, name: unquote(nameCtx.getText()), token: nameCtx.start });
  };
  const sym = (ctx) => ruleChildren(ctx, 'symbolicNameString');
  for (const ctx of walk(tree)) {
    switch (ruleName(ctx)) {
      case 'labelType':
        add('label', sym(ctx)[0]);
        break;
      case 'relType':
        add('relType', sym(ctx)[0]);
        break;
      case 'labelOrRelType':
        add('labelOrRelType', sym(ctx)[0]);
        break;
      case 'labelExpression1': {
        // the #LabelName alternative: a bare name inside a label expression
        const name = sym(ctx)[0];
        if (!name) break;
        const where = ancestor(ctx, ['nodePattern', 'relationshipPattern']);
        add(where ? (ruleName(where) === 'nodePattern' ? 'label' : 'relType') : 'labelOrRelType', name);
        break;
      }
      case 'nodeLabelsIs':
      case 'insertNodeLabelExpression':
      case 'multiLabelNodePattern':
        for (const s of sym(ctx)) add('label', s);
        break;
      case 'insertRelationshipLabelExpression':
      case 'multiRelTypeRelPattern':
        for (const s of sym(ctx)) add('relType', s);
        break;
      case 'map': {
        // a node or relationship pattern's properties: stored property keys
        const p = ctx.parent;
        if (['properties', 'insertNodePattern', 'insertRelationshipPattern'].includes(ruleName(p))) {
          for (const k of ruleChildren(ctx, 'propertyKeyName')) add('property', k);
        }
        break;
      }
      case 'property': {
        // DOT propertyKeyName
        const key = ruleChildren(ctx, 'propertyKeyName')[0];
        const p = ctx.parent;
        const pn = ruleName(p);
        if (pn === 'enclosedPropertyList' || pn === 'propertyList') {
          add('property', key); // schema commands: CREATE CONSTRAINT/INDEX ... ON n.key
        } else if (pn === 'mapProjectionElement') {
          const base = ruleChildren(p.parent, 'variable')[0];
          if (base && isEntity(base)) add('property', key);
        } else if (pn === 'postFix') {
          // x.key where x is a node or relationship variable (first postfix only)
          const e2 = p.parent;
          if (ruleName(e2) !== 'expression2') break;
          const firstPostfix = ruleChildren(e2, 'postFix')[0];
          const e1 = ruleChildren(e2, 'expression1')[0];
          const v = e1 && ruleChildren(e1, 'variable')[0];
          if (firstPostfix === p && v && children(e1).length === 1 && isEntity(v)) add('property', key);
        }
        break;
      }
    }
  }
  return out;
}

function vocabularyDiagnostics(parsing, symbolTable, already) {
  const labels = new Set(schema.labels);
  const relTypes = new Set(schema.relationshipTypes);
  const keys = new Set(schema.propertyKeys);
  // A variable is a node or relationship if any symbol that Neo4j's semantic
  // analysis reports at this offset is typed only Node/Relationship.
  const isEntity = (varCtx) =>
    symbolTable.some(
      (s) =>
        s.references.includes(varCtx.start.start) &&
        s.types.length > 0 &&
        s.types.every((t) => t === 'Node' || t === 'Relationship'),
    );
  const diags = [];
  for (const st of parsing.statementsParsing) {
    if (!st.ctx) continue;
    ruleNames = st.parser.ruleNames;
    for (const { kind, name, token } of namesUsed(st.ctx, isEntity)) {
      let msg;
      if (kind === 'label' && !labels.has(name)) msg = `Label ${name} is not in the database schema`;
      else if (kind === 'relType' && !relTypes.has(name)) msg = `Relationship type ${name} is not in the database schema`;
      else if (kind === 'labelOrRelType' && !labels.has(name) && !relTypes.has(name))
        msg = `${name} is neither a label nor a relationship type of the database schema`;
      else if (kind === 'property' && !keys.has(name)) msg = `Property key ${name} is not in the database schema`;
      if (!msg) continue;
      if (already.has(token.start)) continue; // the package already reported it
      diags.push({ severity: 'error', message: msg + ' (vocabulary check, every clause)', line: token.line, column: token.column + 1 });
    }
  }
  return diags;
}

// The package's own unknown-property warning reads "KEY is not present in the
// database. ..." at the key. It is replaced by the vocabulary check above. That
// check covers the same read clauses, and it has no false positive on
// `MATCH (a:Entity {id: row.from})`: the package takes `from` there for a
// property of `a`, while it is a key of the map `row`.
function isPackagePropertyWarning(d, propertyOffsets, cypher) {
  if (!propertyOffsets.has(d.offsets.start)) return false;
  const key = cypher.slice(d.offsets.start, d.offsets.end).replace(/^`|`$/g, '');
  return d.message.startsWith(`${key} is not present in the database.`);
}

// --- main ------------------------------------------------------------------

const { functions, procedures } = knownFunctionsAndProcedures();
const severityName = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };

for (const st of input.statements) {
  const declared = st.params ?? [];
  const emit = (d) => console.log(JSON.stringify({ statement: st.name, ...d }));

  if (st.cypher.trim() === '') {
    emit({ severity: 'error', message: 'empty statement', line: 1, column: 1 });
    continue;
  }
  const dbSchema = {
    labels: schema.labels,
    relationshipTypes: schema.relationshipTypes,
    propertyKeys: schema.propertyKeys,
    parameters: Object.fromEntries(declared.map((p) => [p, sampleValue(p)])),
    functions: { [CYPHER_VERSION]: functions },
    procedures: { [CYPHER_VERSION]: procedures },
    defaultLanguage: CYPHER_VERSION,
  };
  // consoleCommandsEnabled: false — a driver sends no :param or :use commands.
  const { diagnostics, symbolTables } = lintCypherQuery(st.cypher, dbSchema, { consoleCommandsEnabled: false });
  const parsing = createParsingResult(st.cypher, { consoleCommandsEnabled: false });
  const propertyOffsets = new Set(
    parsing.statementsParsing.flatMap((p) => p.collectedProperties.map((prop) => prop.offsets.start)),
  );
  const already = new Set();
  for (const d of diagnostics) {
    if (isPackagePropertyWarning(d, propertyOffsets, st.cypher)) continue;
    already.add(d.offsets.start);
    emit({
      severity: severityName[d.severity] ?? String(d.severity),
      message: d.message,
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
    });
  }

  const parts = parseStatementsStrs(st.cypher);
  if (parts.length > 1) {
    emit({ severity: 'error', message: `${parts.length} statements in one: the driver runs one statement at a time`, line: 1, column: 1 });
  }
  const version = /^\s*(?:\/\/[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*CYPHER\s+(\d+)\b/i.exec(st.cypher);
  if (version) {
    emit({ severity: 'error', message: `CYPHER ${version[1]} prefix: Neo4j 5.26 has no Cypher version selection (it arrived in 2025.06)`, line: 1, column: 1 });
  }
  const used = new Set(parseParameters(st.cypher, false));
  for (const p of declared) {
    if (!used.has(p)) emit({ severity: 'warning', message: `Parameter $${p} is declared in Params but the statement does not use it`, line: 1, column: 1 });
  }
  for (const d of vocabularyDiagnostics(parsing, symbolTables.flat(), already)) emit(d);
}
