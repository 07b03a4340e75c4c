/**
 * A TypeScript `after` transformer for `nx build` (@nx/js:tsc, apps/<service>/project.json):
 * rewrites each `require("@salon/…")` that tsc emits for a workspace alias of tsconfig.base.json
 * into a relative path to the compiled library, so that `node dist/…` runs without a path-mapping
 * hook at run time (tsc compiles the libraries into the same output tree, mirroring the repo).
 *
 * After the CommonJS transform rather than before it: the module specifiers are then plain string
 * arguments of `require`, and TypeScript has already dropped the imports that only carried types.
 * Loaded by Nx with `require` of this .ts file (Node 24 strips the types).
 */
import { dirname, posix, relative, resolve } from 'node:path';
import * as ts from 'typescript';

type Aliases = ReadonlyMap<string, string>;

/**
 * Alias → absolute path of its target without the extension, from the program's compiler options.
 * Targets are relative to baseUrl when it is set (tsconfig.base.json sets it), else to the tsconfig
 * that declares them (pathsBasePath, which for Nx's generated tsconfig is a folder under tmp/).
 */
function aliasesOf(options: ts.CompilerOptions): Aliases {
  const base = options.baseUrl ?? (options as { pathsBasePath?: string }).pathsBasePath ?? process.cwd();
  return new Map(
    Object.entries(options.paths ?? {})
      .filter(([alias, targets]) => !alias.includes('*') && targets.length > 0)
      .map(([alias, [target]]) => [alias, resolve(base, target).replace(/\.ts$/, '')]),
  );
}

function relativeSpecifier(fromFile: string, target: string): string {
  const path = relative(dirname(fromFile), target).split('\\').join(posix.sep);
  return path.startsWith('.') ? path : `./${path}`;
}

function isRequireOf(node: ts.Node): node is ts.CallExpression & { arguments: [ts.StringLiteral] } {
  return (
    ts.isCallExpression(node) &&
    ts.isIdentifier(node.expression) &&
    node.expression.text === 'require' &&
    node.arguments.length === 1 &&
    ts.isStringLiteral(node.arguments[0])
  );
}

export function after(_options: unknown, program: ts.Program): ts.TransformerFactory<ts.SourceFile> {
  const aliases = aliasesOf(program.getCompilerOptions());
  return (context) => (sourceFile) => {
    const visit = (node: ts.Node): ts.Node => {
      if (isRequireOf(node)) {
        const target = aliases.get(node.arguments[0].text);
        if (target) {
          const specifier = context.factory.createStringLiteral(relativeSpecifier(sourceFile.fileName, target));
          return context.factory.updateCallExpression(node, node.expression, node.typeArguments, [specifier]);
        }
      }
      return ts.visitEachChild(node, visit, context);
    };
    return ts.visitNode(sourceFile, visit) as ts.SourceFile;
  };
}
