import { createServer } from 'node:http';

/**
 * A port free on 127.0.0.1 right now (nothing listens there once this resolves): for a server
 * the test must name before it starts, or as a closed port that refuses connections.
 */
export const freePort = async (): Promise<number> =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => {
        resolve(port);
      });
    });
  });
