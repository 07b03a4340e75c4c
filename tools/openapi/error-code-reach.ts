import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * Which DomainError codes a route's use case can throw, read from the source: a static reach over
 * the code a controller calls, for tools/openapi/error-codes.spec.ts to compare with the route's
 * ErrorCodes in its OpenAPI document.
 *
 * The reach starts at every function and method of the controller's folder (its controller,
 * service, query), follows each call `name(` / `.name(` to the functions and methods of that name
 * in the files the reach imports (relative imports of the feature library, and the domain and
 * content libraries the files import by `@salon/<context>/<lib>`), and a command type named in
 * the reach (`type: 'BookVisit'`) to its `case 'BookVisit':` (or `command.type === 'BookVisit'`) in a
 * domain decider. A bare call `name(` goes to a function of the same file or one the file imports
 * by that name; a call `.name(` to a method of a class in the reach. Codes are the
 * first argument of `DomainError.invalid|conflict|notFound(...)` and `new DomainError(kind, ...)`:
 * a literal, or a parameter of the function that throws (`code`, `` `invalid-${field}` ``), which
 * is read from each call of that function in the reach (`requireText(value, 'clientId',
 * 'invalid-client-id')`, `parseTime(startsAt, 'startsAt')`).
 * It is a reading of the text, not of types: a call through a variable of another name, or a code
 * built any other way at run time, escapes it (those are listed as `dynamic`).
 */

export type DomainErrorKind = 'invalid' | 'conflict' | 'not-found' | 'stale' | 'forbidden';

export interface ThrownCode {
  readonly kind: DomainErrorKind;
  readonly code: string;
  /** Where it is thrown (file:line), for the failure message. */
  readonly at: string;
}

export interface Reach {
  readonly codes: ThrownCode[];
  /** Codes the reach builds at run time (a template literal, a variable): `kind at file:line`. */
  readonly dynamic: string[];
}

export const REPO_ROOT = resolve(__dirname, '../..');

const KIND_OF_FACTORY: Record<string, DomainErrorKind> = { invalid: 'invalid', conflict: 'conflict', notFound: 'not-found' };

/** The HTTP status each kind is answered with (HttpErrorFilter's STATUS_OF). */
export const STATUS_OF_KIND: Record<DomainErrorKind, number> = { invalid: 400, conflict: 409, 'not-found': 404, stale: 409, forbidden: 403 };

interface Unit {
  readonly name: string;
  /** A top-level declaration, a method of a class, or a case of a decider's switch. */
  readonly kind: 'top' | 'method' | 'case';
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

const TOP_LEVEL = /^(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\s*\*?\s*|const\s+|let\s+|class\s+)([A-Za-z_$][\w$]*)/;
// `async *rows(` too: a generator method.
const METHOD = /^ {2}(?:(?:public|private|protected|static|readonly|async|override|get|set)\s+)*\*?\s*([A-Za-z_$][\w$]*)\s*(?:<[^>]*>)?\(/;
const NOT_METHODS = new Set(['if', 'for', 'while', 'switch', 'return', 'catch', 'constructor', 'super']);

const unitCache = new Map<string, Unit[]>();

/** A file cut into its top-level declarations and class methods (each up to the next one). */
function unitsOf(file: string): Unit[] {
  const cached = unitCache.get(file);
  if (cached) return cached;
  const lines = readFileSync(file, 'utf8').split('\n');
  const starts: { name: string; line: number; kind: 'top' | 'method' }[] = [];
  let inClass = false;
  lines.forEach((text, index) => {
    const top = TOP_LEVEL.exec(text);
    if (top) {
      inClass = /\bclass\s/.test(text);
      starts.push({ name: top[1] ?? '', line: index, kind: 'top' });
      return;
    }
    // A function's statements are indented as a class's members are: methods only inside a class.
    const method = inClass ? METHOD.exec(text) : null;
    if (method && !NOT_METHODS.has(method[1] ?? '')) starts.push({ name: method[1] ?? '', line: index, kind: 'method' });
  });
  const units = starts.map((start, index) => ({
    name: start.name,
    kind: start.kind,
    file,
    line: start.line + 1,
    text: lines.slice(start.line, starts[index + 1]?.line ?? lines.length).join('\n'),
  }));
  unitCache.set(file, units);
  return units;
}

function sourceFilesUnder(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) return entry === 'testing' || entry === 'generated' ? [] : sourceFilesUnder(path);
    return /\.ts$/.test(entry) && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(entry) && !entry.endsWith('.d.ts') ? [path] : [];
  });
}

/** The files one file imports: relative imports, and the whole of a `@salon/<context>/<domain|content>` library. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const files: string[] = [];
  for (const match of text.matchAll(/from\s+'([^']+)'/g)) {
    const specifier = match[1] ?? '';
    if (specifier.startsWith('.')) {
      const base = resolve(dirname(file), specifier);
      const candidate = [`${base}.ts`, join(base, 'index.ts')].find((path) => existsSync(path));
      if (candidate) files.push(candidate);
    } else {
      const library = /^@salon\/(clients|visits|consent|media)\/(domain|content)$/.exec(specifier);
      if (library) files.push(...sourceFilesUnder(join(REPO_ROOT, 'libs', library[1] ?? '', library[2] ?? '', 'src')));
    }
  }
  return files;
}

/** The names a file imports (`import { a, b as c } from ...`): the functions of other files it may call. */
const importedNamesCache = new Map<string, Set<string>>();
function importedNamesOf(file: string): Set<string> {
  let names = importedNamesCache.get(file);
  if (!names) {
    names = new Set<string>();
    for (const match of readFileSync(file, 'utf8').matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s*from/g)) {
      for (const part of (match[1] ?? '').split(',')) {
        const name = part.trim().replace(/^type\s+/, '').split(/\s+as\s+/).pop();
        if (name) names.add(name);
      }
    }
    importedNamesCache.set(file, names);
  }
  return names;
}

/** Calls the deciders receive commands through: followed by command type instead (case 'X':). */
const NOT_FOLLOWED = new Set(['decide', 'evolve', 'constructor']);

/** A code of a function's throws: literal text, or the text of its parameter at an index. */
type CodePart = string | { readonly parameter: number };

interface Throw {
  readonly kind: DomainErrorKind;
  /** The code, literal parts and parameters; undefined when built any other way at run time. */
  readonly parts?: readonly CodePart[];
  readonly at: string;
}

/**
 * The text between the parentheses that open at `open` (the index just after "("), cut at its
 * top-level commas: the arguments of a call, the parameters of a declaration.
 */
function argumentsAt(text: string, open: number): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = open;
  for (let index = open; index < text.length; index++) {
    const char = text[index];
    if (char === "'" || char === '"' || char === '`') {
      // Skip a string (a template's `${...}` holds no comma the cut could mistake).
      for (index++; index < text.length && text[index] !== char; index++) if (text[index] === '\\') index++;
    } else if (char === '(' || char === '[' || char === '{') depth++;
    else if (char === ')' || char === ']' || char === '}') {
      if (depth === 0) {
        parts.push(text.slice(start, index));
        return parts.map((part) => part.trim()).filter((part, position) => part !== '' || position < parts.length - 1);
      }
      depth--;
    } else if (char === ',' && depth === 0) {
      parts.push(text.slice(start, index));
      start = index + 1;
    }
  }
  return [];
}

const parameterCache = new Map<Unit, string[]>();
/** The names of a function's or method's parameters (`(value: unknown, field: string)` → value, field). */
function parametersOf(unit: Unit): string[] {
  let names = parameterCache.get(unit);
  if (!names) {
    const open = unit.text.indexOf('(', unit.text.indexOf(unit.name) + unit.name.length);
    names = open < 0 ? [] : argumentsAt(unit.text, open + 1).map((parameter) => /^(?:(?:public|private|protected|readonly)\s+)*([A-Za-z_$][\w$]*)/.exec(parameter)?.[1] ?? '');
    parameterCache.set(unit, names);
  }
  return names;
}

/** A code argument as parts: `'phone-taken'`, `code`, `` `invalid-${field}` `` (parameters by index). */
function partsOf(argument: string, parameters: readonly string[]): CodePart[] | undefined {
  const literal = /^'([^'\\]+)'$/.exec(argument);
  if (literal) return [literal[1] ?? ''];
  if (parameters.includes(argument)) return [{ parameter: parameters.indexOf(argument) }];
  const template = /^`([^`]*)`$/.exec(argument);
  if (!template) return undefined;
  const parts: CodePart[] = [];
  for (const piece of (template[1] ?? '').split(/(\$\{[^}]*\})/)) {
    const interpolation = /^\$\{\s*([A-Za-z_$][\w$]*)\s*\}$/.exec(piece);
    if (interpolation) {
      if (!parameters.includes(interpolation[1] ?? '')) return undefined;
      parts.push({ parameter: parameters.indexOf(interpolation[1] ?? '') });
    } else if (piece.startsWith('${')) return undefined;
    else if (piece !== '') parts.push(piece);
  }
  return parts;
}

/** `file:line` of a place in a unit's text. */
function locationIn(unit: Unit, index: number): string {
  return `${unit.file.replace(`${REPO_ROOT}/`, '')}:${unit.line + unit.text.slice(0, index).split('\n').length - 1}`;
}

const throwCache = new Map<Unit, Throw[]>();
/** The DomainErrors a function, method or case throws (or builds), with their codes as parts. */
function throwsOf(unit: Unit): Throw[] {
  const cached = throwCache.get(unit);
  if (cached) return cached;
  const parameters = unit.kind === 'case' ? [] : parametersOf(unit);
  const throws: Throw[] = [];
  for (const match of unit.text.matchAll(/DomainError\.(invalid|conflict|notFound)\(/g)) {
    const [code = ''] = argumentsAt(unit.text, (match.index ?? 0) + match[0].length);
    throws.push({ kind: KIND_OF_FACTORY[match[1] ?? ''] as DomainErrorKind, parts: partsOf(code, parameters), at: locationIn(unit, match.index ?? 0) });
  }
  for (const match of unit.text.matchAll(/new DomainError\(\s*'([a-z-]+)'\s*,/g)) {
    const [code = ''] = argumentsAt(unit.text, (match.index ?? 0) + match[0].length);
    throws.push({ kind: match[1] as DomainErrorKind, parts: partsOf(code, parameters), at: locationIn(unit, match.index ?? 0) });
  }
  throwCache.set(unit, throws);
  return throws;
}

const isLiteral = (parts: readonly CodePart[]): parts is readonly string[] => parts.every((part) => typeof part === 'string');

/** A throw's code given the arguments of one call (undefined when a part it needs is no literal). */
function codeWith(parts: readonly CodePart[], callArguments: readonly string[]): string | undefined {
  let code = '';
  for (const part of parts) {
    if (typeof part === 'string') code += part;
    else {
      const literal = /^'([^'\\]+)'$/.exec(callArguments[part.parameter] ?? '');
      if (!literal) return undefined;
      code += literal[1];
    }
  }
  return code;
}

/** The cases of the deciders' switches in the given files: command type → the text of its case. */
function casesIn(files: readonly string[]): Map<string, Unit[]> {
  const cases = new Map<string, Unit[]>();
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n');
    let inDecide = false;
    lines.forEach((line, index) => {
      // Only a decider's commands: the cases of `evolve` are events, which refuse nothing.
      const top = TOP_LEVEL.exec(line);
      if (top) inDecide = top[1] === 'decide';
      if (!inDecide) return;
      // `if (command.type === 'BookVisit') return book(command, state);`: the one line.
      const test = /\.type === '([A-Z]\w+)'\)/.exec(line);
      if (test) {
        const unit: Unit = { name: `if ${test[1]}`, kind: 'case', file, line: index + 1, text: line };
        cases.set(test[1] ?? '', [...(cases.get(test[1] ?? '') ?? []), unit]);
      }
      const match = /^\s*case '([A-Z]\w+)':/.exec(line);
      if (!match) return;
      let end = index + 1;
      while (end < lines.length && !/^\s*(case '|default:|}\s*$)/.test(lines[end] ?? '')) end++;
      const unit: Unit = { name: `case ${match[1]}`, kind: 'case', file, line: index + 1, text: lines.slice(index, end + 1).join('\n') };
      cases.set(match[1] ?? '', [...(cases.get(match[1] ?? '') ?? []), unit]);
    });
  }
  return cases;
}

/**
 * The DomainError codes reachable from the functions and methods of a controller's folder.
 * `trace` hears each function, method and case the reach visits (to see why a code is reached).
 */
export function reachOf(controllerFile: string, trace?: (unit: string) => void): Reach {
  const folderFiles = sourceFilesUnder(dirname(controllerFile)).filter((file) => dirname(file) === dirname(controllerFile));
  const files = new Set<string>(folderFiles);
  for (const file of files) for (const imported of importsOf(file)) files.add(imported);
  const byName = new Map<string, Unit[]>();
  for (const file of files) for (const unit of unitsOf(file)) byName.set(unit.name, [...(byName.get(unit.name) ?? []), unit]);
  const cases = casesIn([...files].filter((file) => /\/libs\/\w+\/domain\//.test(file)));

  const seen = new Set<Unit>();
  const queue: Unit[] = folderFiles.flatMap((file) => unitsOf(file));
  const codes: ThrownCode[] = [];
  const dynamic: string[] = [];
  while (queue.length > 0) {
    const unit = queue.shift() as Unit;
    if (seen.has(unit)) continue;
    seen.add(unit);
    trace?.(`${unit.file.replace(`${REPO_ROOT}/`, '')}:${unit.line} ${unit.name}`);
    for (const thrown of throwsOf(unit)) {
      if (!thrown.parts) dynamic.push(`${thrown.kind} at ${thrown.at}`);
      else if (isLiteral(thrown.parts)) codes.push({ kind: thrown.kind, code: thrown.parts.join(''), at: thrown.at });
      // A code of the function's parameters is read at each call (below).
    }
    // A lookbehind, so that a call that is the first argument of another (`push(requireMoney(`) is one too.
    for (const match of unit.text.matchAll(/(?<![\w$])([A-Za-z_$][\w$]*)\s*(?:<[^>()]*>)?\(/g)) {
      const name = match[1] ?? '';
      // The declaration of the unit itself (`function requireText(value, field, code) {`) is no call.
      if (NOT_FOLLOWED.has(name) || (name === unit.name && !unit.text.slice(0, match.index).includes('\n'))) continue;
      const candidates = byName.get(name) ?? [];
      let callees: Unit[];
      const index = match.index ?? 0;
      // `something.name(` (not a spread, `...name(`).
      if (unit.text[index - 1] === '.' && unit.text.slice(index - 3, index) !== '...') {
        // `something.name(`: a method of one of the reach's classes.
        callees = candidates.filter((candidate) => candidate.kind === 'method');
      } else {
        // `name(`: a function of the same file, or one the file imports by that name.
        const local = candidates.filter((candidate) => candidate.kind === 'top' && candidate.file === unit.file);
        callees = local.length > 0 ? local : importedNamesOf(unit.file).has(name) ? candidates.filter((candidate) => candidate.kind === 'top') : [];
      }
      queue.push(...callees);
      const callArguments = callees.length > 0 ? argumentsAt(unit.text, (match.index ?? 0) + match[0].length) : [];
      for (const callee of callees) {
        for (const thrown of throwsOf(callee)) {
          if (!thrown.parts || isLiteral(thrown.parts)) continue;
          const code = codeWith(thrown.parts, callArguments);
          if (code === undefined) dynamic.push(`${thrown.kind} at ${thrown.at}, called at ${locationIn(unit, match.index ?? 0)} with a code that is no literal`);
          else codes.push({ kind: thrown.kind, code, at: `${thrown.at}, called at ${locationIn(unit, match.index ?? 0)}` });
        }
      }
    }
    for (const match of unit.text.matchAll(/type:\s*'([A-Z]\w+)'/g)) queue.push(...(cases.get(match[1] ?? '') ?? []));
  }
  const unique = new Map(codes.map((code) => [`${code.kind}:${code.code}`, code]));
  return { codes: [...unique.values()], dynamic: [...new Set(dynamic)] };
}

/** The file of a context's feature library that declares `export class <name>` (the shared health routes: libs/shared/nest). */
export function controllerFileOf(className: string, context: string): string | undefined {
  for (const root of [join(REPO_ROOT, 'libs', context, 'feature/src'), join(REPO_ROOT, 'libs/shared/nest/src')]) {
    const found = sourceFilesUnder(root).find((file) => new RegExp(`export class ${className}\\b`).test(readFileSync(file, 'utf8')));
    if (found) return found;
  }
  return undefined;
}
