// Builds the app in two bundles, so that a synth compiles only the project's own code:
// - vendor.cjs: the installed packages the app imports (cdktf, the provider classes, zod), as
//   one file that node loads much faster than their hundreds of modules. It depends only on the
//   installed packages (and this script), so it is built once per `npm ci` and kept (a dependency
//   prebundle).
// - main.cjs: main.ts and lib/, built every time (about 20 ms), taking its packages from the vendor
//   bundle beside it.
// It also builds the command-line tools (bin/key-insight.cjs, bin/key-insight-ci.cjs): `loadTool` below.
// No type-check here: that is `npm run typecheck`.
const crypto = require('node:crypto');
const fs = require('node:fs');
const { builtinModules } = require('node:module');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const defaultOutfile = path.join(root, '.build', 'main.cjs');
const builtins = new Set(builtinModules);

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'error', legalComments: 'none' };

function isPackageImport(specifier) {
  return !specifier.startsWith('.') && !path.isAbsolute(specifier) && !specifier.startsWith('node:') && !builtins.has(specifier.split('/')[0]);
}

/** Writes a file so that a reader never sees it half-written, even with two builds at once. */
function writeAtomically(file, contents) {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, contents);
  fs.renameSync(temporary, file);
}

/** Builds vendor.cjs for these package imports, unless the one there was built for the same ones. */
async function buildVendor(dir, specifiers) {
  const esbuild = require('esbuild');
  const lock = fs.readFileSync(path.join(root, 'package-lock.json'));
  const key = crypto
    .createHash('sha256')
    .update(JSON.stringify({ specifiers, esbuild: esbuild.version, node: process.versions.node }))
    .update(lock)
    .update(fs.readFileSync(__filename))
    .digest('hex');
  const file = path.join(dir, 'vendor.cjs');
  const keyFile = `${file}.key`;
  if (fs.existsSync(file) && fs.existsSync(keyFile) && fs.readFileSync(keyFile, 'utf8') === key) return;
  const entries = specifiers.map((specifier) => `  ${JSON.stringify(specifier)}: require(${JSON.stringify(specifier)}),`);
  const result = await esbuild.build({
    ...common,
    stdin: { contents: `module.exports = {\n${entries.join('\n')}\n};\n`, resolveDir: root, sourcefile: 'vendor.js' },
    write: false,
  });
  writeAtomically(file, result.outputFiles[0].contents);
  writeAtomically(keyFile, key);
}

/** Builds main.ts (and its vendor bundle, when the installed packages changed); returns main's path. */
async function buildApp(outfile = defaultOutfile) {
  const dir = path.dirname(outfile);
  fs.mkdirSync(dir, { recursive: true });
  const specifiers = new Set();
  const collectPackages = {
    name: 'collect-packages',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (!isPackageImport(args.path)) return undefined;
        specifiers.add(args.path);
        return { path: args.path, namespace: 'package' };
      });
      build.onLoad({ filter: /.*/, namespace: 'package' }, (args) => ({
        contents: `module.exports = require("./vendor.cjs")[${JSON.stringify(args.path)}];`,
        loader: 'js',
      }));
      build.onResolve({ filter: /^\.\/vendor\.cjs$/ }, () => ({ path: './vendor.cjs', external: true }));
    },
  };
  const esbuild = require('esbuild');
  const app = await esbuild.build({
    ...common,
    entryPoints: [path.join(root, 'main.ts')],
    write: false,
    plugins: [collectPackages],
  });
  await buildVendor(dir, [...specifiers].sort());
  writeAtomically(outfile, app.outputFiles[0].contents);
  return outfile;
}

/** The source files a tool's bundle was built from (the metafile names them relative to `root`), each with what `fs.statSync` said of it then. */
function inputsOf(metafile) {
  return Object.keys(metafile.inputs)
    .map((input) => path.resolve(root, input))
    .concat(__filename)
    .map((file) => {
      const stat = fs.statSync(file);
      return [file, stat.size, stat.mtimeMs];
    });
}

function isCurrent(inputsFile) {
  let inputs;
  try {
    inputs = JSON.parse(fs.readFileSync(inputsFile, 'utf8'));
  } catch {
    return false;
  }
  return inputs.every(([file, size, mtimeMs]) => {
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    return stat !== undefined && stat.size === size && stat.mtimeMs === mtimeMs;
  });
}

/**
 * Loads a command-line tool (`entry`, a TypeScript file of the project) from its bundle in .build/, and
 * builds the bundle first when any of its source files changed since. The bundle holds the project's own
 * code only; the installed packages stay outside it and load as node loads them, on demand, so that a
 * command loads only the packages it uses. An unchanged bundle loads without esbuild: a start costs a
 * `stat` of each source file. Where .build/ cannot be written, the tool runs from its sources through tsx.
 * `entry` is relative to the project's folder; `outDir` is where the bundle goes.
 */
function loadTool(entry, outDir = path.join(root, '.build')) {
  const source = path.resolve(root, entry);
  const outfile = path.join(outDir, `${path.basename(entry, '.ts')}.${path.basename(path.dirname(source))}.cjs`);
  const inputsFile = `${outfile}.inputs.json`;
  if (!isCurrent(inputsFile)) {
    const esbuild = require('esbuild');
    const result = esbuild.buildSync({ ...common, entryPoints: [source], absWorkingDir: root, packages: 'external', metafile: true, write: false, outfile });
    try {
      fs.mkdirSync(path.dirname(outfile), { recursive: true });
      writeAtomically(outfile, result.outputFiles[0].contents);
      writeAtomically(inputsFile, JSON.stringify(inputsOf(result.metafile)));
    } catch {
      require('tsx/cjs');
      return require(source);
    }
  }
  return require(outfile);
}

module.exports = { buildApp, loadTool };
