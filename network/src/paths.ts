import path from 'node:path';

/** The repository root (network/src or network/dist → two levels up). */
export const repoRoot = path.resolve(__dirname, '..', '..');

/** The git-ignored home for binaries, configuration and run state: FABPAY_HOME or `<repo>/.fabric`. */
export function fabpayHome(): string {
  return process.env.FABPAY_HOME ? path.resolve(process.env.FABPAY_HOME) : path.join(repoRoot, '.fabric');
}
