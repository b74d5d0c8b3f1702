import { request } from 'node:http';

/** A response read in full. */
export type RawResponse = {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
};

/**
 * One HTTP/1.1 request to 127.0.0.1:`port` with a Host header of the test's choosing, which
 * `fetch` does not allow: what a browser sends after a DNS name was rebound to this machine.
 */
export const requestWithHost = async (
  port: number,
  path: string,
  {
    host,
    method = 'GET',
    headers = {},
    body,
  }: { host: string; method?: string; headers?: Record<string, string>; body?: string }
): Promise<RawResponse> =>
  new Promise((resolve, reject) => {
    const outgoing = request(
      { host: '127.0.0.1', port, path, method, headers: { ...headers, host }, setHost: false },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text });
        });
        response.on('error', reject);
      }
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
