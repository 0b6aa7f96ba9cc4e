// Fails fast when a script runs under the wrong Node: the `node` devDependency
// must be first on PATH (pnpm puts node_modules/.bin there for every script).
const [major] = process.versions.node.split('.').map(Number);
if (major === undefined || major < 24) {
  console.error(
    `Troupe needs Node 24 LTS but this is Node ${process.versions.node}. Run scripts through pnpm (e.g. \`npx -y pnpm@10.34.9 test\`) so the pinned Node 24 from devDependencies is used.`,
  );
  process.exit(1);
}
