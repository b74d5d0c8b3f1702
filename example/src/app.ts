import {
  type LogtoContext,
  type LogtoExpressConfig,
  UserScope,
  handleAuthRoutes,
  withLogto,
} from '@logto/express';
import cookieParser from 'cookie-parser';
import { csrfSync } from 'csrf-sync';
import express, {
  type ErrorRequestHandler,
  type Express,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import session from 'express-session';
import helmet from 'helmet';
import { type IncomingMessage, type ServerResponse } from 'node:http';

import { allowOnlyKnownHosts, loopbackNames } from './host-check.js';
import { homePage, messagePage, setupPage, signOutPage } from './pages.js';
import { playgroundRouter } from './playground/routes.js';
import { createSessionStore, sessionMaxAgeMs } from './session-store.js';
import { type Settings } from './settings.js';
import { stylesheet } from './style.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by `withLogto` on the routes that use it. */
    user?: LogtoContext;
  }
}

type NodeMiddleware = (
  request: IncomingMessage,
  response: ServerResponse,
  next: (error?: unknown) => void
) => void;

/**
 * @logto/express declares `IncomingMessage.session` as a record of strings, which
 * express-session's `Request.session` does not match, so TypeScript stops seeing an Express
 * request as an `IncomingMessage`. At run time it is one: plain Node middleware is wrapped.
 */
const nodeMiddleware =
  (handler: NodeMiddleware): RequestHandler =>
  (request, response, next) => {
    handler(request as unknown as IncomingMessage, response as unknown as ServerResponse, next);
  };

/** The @logto/express config of the guide, with the user's email in the ID token. */
export const logtoConfigOf = (settings: Settings): LogtoExpressConfig | undefined =>
  settings.logto && {
    endpoint: settings.logto.endpoint,
    appId: settings.logto.appId,
    appSecret: settings.logto.appSecret,
    baseUrl: settings.baseUrl,
    scopes: [UserScope.Email],
  };

/**
 * The example app: the Logto Express guide (cookie-parser, express-session, handleAuthRoutes,
 * withLogto) plus the connector playground.
 *
 * Sessions: only for visitors who need one (a form's token, sign-in state), in a bounded store
 * that expires and prunes them (see session-store.ts).
 *
 * Cross-site request forgery: every POST carries a per-session synchronizer token (csrf-sync),
 * checked before any route runs. Session cookies are httpOnly and SameSite=Lax (Lax, not Strict:
 * the redirect back from Logto must carry the session).
 */
export const createApp = (
  settings: Settings,
  {
    sessionLimit,
  }: {
    /** The most sessions kept at once. @default 10000 */
    sessionLimit?: number;
  } = {}
): Express => {
  const app = express();
  const logtoConfig = logtoConfigOf(settings);
  const secure = settings.baseUrl.startsWith('https:');

  // Honour X-Forwarded-Proto from a TLS-terminating proxy on the same machine only.
  app.set('trust proxy', 'loopback');
  app.use(
    nodeMiddleware(
      helmet({
        contentSecurityPolicy: {
          directives: {
            // Sign-out is a form post that Logto's end-session page answers.
            formAction: ["'self'", ...(settings.logto ? [new URL(settings.logto.endpoint).origin] : [])],
            scriptSrc: ["'none'"],
            upgradeInsecureRequests: secure ? [] : null,
          },
        },
        strictTransportSecurity: secure,
      })
    )
  );
  // Before sessions: a request under a name the app does not own (DNS rebinding) gets nothing.
  app.use(
    allowOnlyKnownHosts(settings.baseUrl, (name) =>
      messagePage(
        settings,
        'Unknown host name',
        `This app answers only under ${new URL(settings.baseUrl).hostname} (from BASE_URL) and the loopback names ${loopbackNames.join(', ')}, not under "${name}": a page of another site that points its own name at this machine must not reach it. To use the app under that name, set BASE_URL to a URL with it.`
      )
    )
  );
  app.use(cookieParser());
  // Visible to tests and scripts/session-memory.ts, which count what it holds.
  const sessionStore = createSessionStore(sessionLimit === undefined ? {} : { limit: sessionLimit });
  app.locals.sessionStore = sessionStore;
  app.use(
    session({
      store: sessionStore,
      name: 'example.sid',
      secret: settings.sessionSecret,
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', secure, maxAge: sessionMaxAgeMs },
    })
  );
  app.use(nodeMiddleware(express.urlencoded({ extended: false, limit: '256kb' })));
  const { csrfSynchronisedProtection } = csrfSync({
    getTokenFromRequest: (request) => {
      const token: unknown = (request.body as Record<string, unknown> | undefined)?._csrf;
      return typeof token === 'string' ? token : undefined;
    },
  });
  app.use(csrfSynchronisedProtection);

  app.get('/style.css', (_request, response) => {
    response.type('css').send(stylesheet);
  });

  if (logtoConfig) {
    // handleAuthRoutes serves `/logto/:action` for every method, `sign-out` included. Only a POST
    // (whose token csrfSynchronisedProtection checked above) may reach it: the same route
    // pattern here, so every path it would take for sign-out (`sign%2Dout`, `sign-out/x`) is seen.
    const readUser = withLogto(logtoConfig);
    app.use('/logto/:action', (request: Request, response: Response, next) => {
      if (request.params.action !== 'sign-out' || request.method === 'POST') {
        next();
        return;
      }
      void readUser(request, response, (error?: unknown) => {
        if (error !== undefined) {
          next(error);
          return;
        }
        const csrfToken = request.user?.isAuthenticated ? (request.csrfToken?.() ?? '') : undefined;
        response.status(405).set('allow', 'POST').type('html').send(signOutPage(settings, csrfToken));
      });
    });
    app.use(handleAuthRoutes(logtoConfig));
    app.get('/', withLogto(logtoConfig), (request: Request, response: Response) => {
      // Only the signed-in page has a form (Sign Out): asking for a token stores a session, and
      // anonymous visitors, who see a link, get none.
      const csrfToken = request.user?.isAuthenticated ? (request.csrfToken?.() ?? '') : '';
      response.type('html').send(homePage(settings, request.user, csrfToken));
    });
  } else {
    app.use('/logto', (_request, response) => {
      response
        .status(503)
        .type('html')
        .send(
          messagePage(
            settings,
            'Sign-in is not configured',
            `Set ${settings.missingLogtoVariables.join(', ')} and restart the app; /setup has the steps.`
          )
        );
    });
    app.get('/', (_request, response) => {
      response.type('html').send(homePage(settings, undefined, ''));
    });
  }

  app.get('/setup', (_request, response) => {
    response.type('html').send(setupPage(settings));
  });

  if (settings.playground) {
    app.use(
      playgroundRouter({
        sesEmulatorUrl: settings.sesEmulatorUrl,
        allowServerCredentials: settings.playgroundServerCredentials,
      })
    );
  } else {
    app.use('/playground', (_request, response) => {
      response
        .status(404)
        .type('html')
        .send(
          messagePage(
            settings,
            'The connector playground is off',
            'It is off when NODE_ENV=production; set PLAYGROUND=on to turn it on (anyone who reaches it can send email).'
          )
        );
    });
  }

  // Express recognises an error handler by its four parameters, used or not.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const handleError: ErrorRequestHandler = (error: unknown, _request, response, _next) => {
    const { code, status } = (typeof error === 'object' && error !== null ? error : {}) as {
      code?: unknown;
      status?: unknown;
    };
    if (code === 'EBADCSRFTOKEN') {
      response
        .status(403)
        .type('html')
        .send(
          messagePage(
            settings,
            'Form refused',
            'This form was not sent from a page of this app in your current session (a cross-site request, or an expired page). Reload the page and try again.'
          )
        );
      return;
    }
    const clientError = typeof status === 'number' && status >= 400 && status < 500;
    if (!clientError) {
      console.error(error);
    }
    response
      .status(clientError ? status : 500)
      .type('html')
      .send(
        messagePage(
          settings,
          clientError ? 'Bad request' : 'Something went wrong',
          settings.production || clientError ? 'The request could not be completed.' : String(error)
        )
      );
  };
  app.use(handleError);

  return app;
};
