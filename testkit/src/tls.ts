import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface CertificateFiles {
  certFile: string;
  keyFile: string;
  /** Self-signed: the certificate is its own CA (what SFU_CA_FILE or a client's `ca` takes). */
  caFile: string;
}

/** A throw-away self-signed certificate for 127.0.0.1 and localhost, made by openssl in `dir`. */
export async function selfSignedCertificate(dir: string): Promise<CertificateFiles> {
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  await promisify(execFile)('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ]);
  return { certFile, keyFile, caFile: certFile };
}

export interface JsonResponse {
  status: number;
  body: unknown;
}

/**
 * GET a JSON answer over http or https, trusting `caFile` for https (Node's fetch cannot be given
 * a CA without an extra package).
 */
export function getJson(url: string, { caFile, headers = {} }: { caFile?: string; headers?: Record<string, string> } = {}): Promise<JsonResponse> {
  const secure = url.startsWith('https:');
  const request = secure ? httpsRequest : httpRequest;
  const options = { method: 'GET', headers, ...(secure && caFile ? { ca: readFileSync(caFile) } : {}) };
  return new Promise((resolve, reject) => {
    const outgoing = request(url, options, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        try {
          resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}
