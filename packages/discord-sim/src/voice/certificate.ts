import { generate } from 'selfsigned';

/** A throwaway TLS identity for the voice WSS endpoint. */
export interface SimCertificate {
  cert: string;
  key: string;
}

let shared: Promise<SimCertificate> | undefined;

/**
 * A certificate valid for IP:127.0.0.1 (the voice endpoint is `127.0.0.1:PORT`), generated once per
 * process: TLS clients cache the default CA store, so a fresh certificate per sim would stop being
 * trusted after the first connection.
 */
export function generateCertificate(): Promise<SimCertificate> {
  shared ??= createCertificate();
  return shared;
}

async function createCertificate(): Promise<SimCertificate> {
  const now = Date.now();
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    curve: 'P-256',
    notBeforeDate: new Date(now - 60_000),
    notAfterDate: new Date(now + 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}
