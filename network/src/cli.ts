#!/usr/bin/env node
import { Command } from 'commander';
import { install, InstallError, layoutFor, type InstallEvent } from './install';
import { caSmokeTest, checkBinaryVersions } from './install/toolchain-check';
import { fabpayHome, repoRoot } from './paths';

const program = new Command()
  .name('fabpay-network')
  .description('Install Fabric and run a native Fabric network for fabpay')
  .showHelpAfterError();

function printEvent(e: InstallEvent): void {
  switch (e.kind) {
    case 'skip':
      console.log(`✓ ${e.product} ${e.version}: ${e.reason}`);
      break;
    case 'product':
      console.log(`→ ${e.product} ${e.version} via ${e.route}`);
      break;
    case 'route-failed':
      console.log(`✗ ${e.product} ${e.version} via ${e.route} is not possible here: ${e.command ? `\`${e.command}\`: ` : ''}${e.error.split('\n')[0]}`);
      break;
    case 'build':
      console.log(`  [${e.index}/${e.total}] building ${e.command} …`);
      break;
    case 'built':
      console.log(`  [done] ${e.command} in ${e.seconds.toFixed(1)}s`);
      break;
  }
}

program
  .command('install')
  .description('Make the pinned Fabric and Fabric CA binaries, sample config and ccaas builder available under .fabric/')
  .option('--force', 'rebuild even if the pinned binaries are present')
  .option('--json', 'print the result as JSON')
  .action(async (opts: { force?: boolean; json?: boolean }) => {
    const layout = layoutFor(fabpayHome());
    const result = await install({ root: repoRoot, layout, force: opts.force, onEvent: opts.json ? undefined : printEvent });
    if (opts.json) {
      console.log(JSON.stringify(result, null, 2));
    } else {
      const summary = result.products.map((p) => `${p.product} ${p.version}`).join(', ');
      console.log(`Fabric toolchain ready in ${result.seconds.toFixed(1)}s: ${summary} → ${layout.binDir}`);
    }
  });

program
  .command('verify')
  .description('Check every installed binary reports its pinned version and that a Fabric CA starts and enrolls')
  .option('--json', 'print the result as JSON')
  .action(async (opts: { json?: boolean }) => {
    const { binDir } = layoutFor(fabpayHome());
    const versions = await checkBinaryVersions(binDir);
    if (versions.length === 0) {
      throw new Error(`nothing is installed in ${binDir}: run \`npm run fabric:install\` first`);
    }
    const bad = versions.filter((v) => !v.ok);
    if (!opts.json) {
      for (const v of versions) console.log(`${v.ok ? '✓' : '✗'} ${v.command} ${v.reported ?? '(no version)'}`);
      console.log('→ starting a throw-away fabric-ca-server and enrolling its admin …');
    }
    const smoke = bad.length === 0 ? await caSmokeTest(binDir) : undefined;
    if (opts.json) {
      console.log(JSON.stringify({ versions, caSmoke: smoke && { ...smoke, enrolledCertificate: undefined } }, null, 2));
    } else if (smoke) {
      console.log(`✓ fabric-ca-server answered on 127.0.0.1:${smoke.port}, admin enrolled, server stopped`);
    }
    if (bad.length > 0) {
      throw new Error(`binaries not at their pinned version: ${bad.map((b) => b.command).join(', ')}; run \`npm run fabric:install -- --force\``);
    }
  });

program.parseAsync().catch((err: unknown) => {
  const message = err instanceof InstallError || err instanceof Error ? err.message : String(err);
  console.error(`error: ${message}`);
  process.exitCode = 1;
});
