import { clean } from '@fabpay/network';
import { networkOptions } from './live-network';

/**
 * Removes the live network after the suites, leaving no process and no state behind.
 * FABPAY_KEEP_NETWORK=1 keeps it running for debugging.
 */
export default async function globalTeardown(): Promise<void> {
  if (process.env.FABPAY_KEEP_NETWORK === '1' || process.env.FABPAY_TEST_SHARED_NETWORK === '0') return;
  await clean(networkOptions());
}
