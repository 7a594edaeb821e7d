import { up } from '@fabpay/network';
import { networkOptions } from './live-network';

/** Brings the shared live network up before any live suite runs (resumes it if it exists). */
export default async function globalSetup(): Promise<void> {
  const result = await up(networkOptions());
  process.stderr.write(`[network] live network up in ${result.seconds.toFixed(1)}s\n`);
}
