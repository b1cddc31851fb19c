import {
  Inject,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  RequestMethod,
} from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Database, getTrial } from '@headroom/db';
import { GRAPHQL_PATH } from '../app.module';
import { addressOf } from '../access/context';
import { tokenNeeded, type Authenticator } from '../access/authenticator';
import { API_ENV, AUTHENTICATOR, DATABASE } from '../common/tokens';
import { OPERATOR_PATHS } from '../health/health.controller';
import { type ApiEnv, artifactsDirOf } from '../env';
import { ARTIFACTS_PATH, createWebHandler, findWebDist, serveArtifact } from './web-files';

/**
 * The web page (apps/web's Vite build) at `/`, same origin as `/graphql`: every GET or HEAD
 * that is not `/graphql` gets a file of the build or index.html. POST /graphql and the
 * graphql-ws upgrade never reach it. `/artifacts/<trial id>/<name>` serves a file a trial
 * recorded (its Grad-CAM PNGs), by the path stored with the trial, inside the artifact store only.
 */
@Module({})
export class WebModule implements NestModule {
  constructor(
    @Inject(API_ENV) private readonly env: ApiEnv,
    @Inject(DATABASE) private readonly db: Database,
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
  ) {}

  /** A trial's file, for a token that may read (the page sends its token; reads may be public). */
  private async serveArtifact(req: IncomingMessage, res: ServerResponse, path: string) {
    const access = await this.authenticator.authenticate(req.headers.authorization, addressOf(req));
    const refusal =
      access.kind === 'refused'
        ? access.error
        : access.kind === 'anonymous' && !this.env.HEADROOM_PUBLIC_READ
          ? tokenNeeded('reading an artifact')
          : undefined;
    if (refusal) {
      res
        .writeHead(refusal.code === 'RATE_LIMITED' ? 429 : 401, {
          'content-type': 'application/json',
          'www-authenticate': 'Bearer',
        })
        .end(JSON.stringify({ code: refusal.code, message: refusal.message }));
      return;
    }
    await serveArtifact((id) => getTrial(this.db, id), path, res, artifactsDirOf(this.env));
  }

  configure(consumer: MiddlewareConsumer): void {
    const serve = createWebHandler(this.env.HEADROOM_WEB_DIR ?? findWebDist());
    const middleware = (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
      // Express strips a mount path from req.url; originalUrl is what the browser asked for.
      const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
      const path = new URL(url, 'http://x').pathname;
      const isGraphql = path === GRAPHQL_PATH || path.startsWith(`${GRAPHQL_PATH}/`);
      const forOperators = (OPERATOR_PATHS as readonly string[]).includes(path);
      if (isGraphql || forOperators || (req.method !== 'GET' && req.method !== 'HEAD'))
        return next();
      if (path.startsWith(`${ARTIFACTS_PATH}/`)) {
        this.serveArtifact(req, res, path).catch(() => {
          if (!res.headersSent) res.writeHead(500).end();
        });
        return;
      }
      serve(req, res, url);
    };
    consumer
      .apply(middleware)
      .forRoutes(
        { path: '{*path}', method: RequestMethod.GET },
        { path: '{*path}', method: RequestMethod.HEAD },
      );
  }
}
