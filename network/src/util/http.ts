import http from 'node:http';
import https from 'node:https';

/** Response of {@link httpGet}. */
export interface HttpResponse {
  status: number;
  body: string;
}

/**
 * A GET without connection reuse. Health polls must not leave keep-alive
 * sockets behind (they would keep a CLI or a test process alive).
 */
export function httpGet(
  url: string,
  tls?: { ca?: Buffer | string; cert?: Buffer | string; key?: Buffer | string },
  timeoutMs = 5000,
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const lib = url.startsWith('https:') ? https : http;
    const req = lib.get(url, { agent: false, timeout: timeoutMs, ...tls }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}
