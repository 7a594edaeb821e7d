import { up } from '@fabpay/network';
import { networkOptions } from './live-network';

/**
 * Brings the shared live network up before any live suite runs (resumes it if it exists).
 * FABPAY_TEST_SHARED_NETWORK=0 leaves it down, for running only suites that bring up their own
 * network (a suite that needs the shared one then fails, it is not skipped).
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.FABPAY_TEST_SHARED_NETWORK === '0') return;
  const result = await up(networkOptions());
  process.stderr.write(`[network] live network up in ${result.seconds.toFixed(1)}s\n`);
}
