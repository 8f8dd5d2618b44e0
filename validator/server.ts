/**
 * The validator's HTTP service on fastify: the write API (tlog-witness
 * add-checkpoint and Urna entries) and the public bulletin board (checkpoints with
 * cosignatures, entries, proofs, "was my ballot recorded?", running encrypted totals,
 * evidence, health). Limits: body size, a token bucket per client address and
 * request/connection timeouts. Every refusal is a JSON body
 * `{ "error": { "code", "message", … } }` — except the add-checkpoint 409, whose
 * body the tlog-witness spec fixes — and is logged with a stable event id.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { toBase64, toBase64Url } from '../core/encoding/bytes';
import { formatBaseHashForDisplay } from '../core/election/package';
import { stationOrigin } from '../core/ledger/checkpoint';
import { ADD_CHECKPOINT_PATH, ENTRIES_PATH, TLOG_SIZE_CONTENT_TYPE } from '../core/ledger/witness-protocol';
import type { EventLogger } from '../core/logging';
import type { StationId } from '../core/ids';
import { ID_PATTERN } from '../core/ids';
import { confirmationAnswer, fullCodePrefix, matchesShortCode, parseLookupCode } from '../core/board/confirmation';
import { defaultBoardPageDir, registerBoardPage, wantsPage } from './board-page';
import type { ConfirmationLookup } from './store-api';
import type { Refusal, ValidatorService } from './service';

export type HttpLimits = {
  /** Largest request body in bytes. */
  readonly bodyLimit: number;
  /** Whole-request deadline (headers and body), ms. */
  readonly requestTimeoutMs: number;
  /** Idle socket deadline, ms. */
  readonly connectionTimeoutMs: number;
  /** Sustained requests per second per client address, and the burst above it. */
  readonly ratePerSecond: number;
  readonly rateBurst: number;
  /** Entries served per read request. */
  readonly maxEntriesPerRead: number;
};

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  bodyLimit: 16 * 1024 * 1024,
  requestTimeoutMs: 30_000,
  connectionTimeoutMs: 60_000,
  ratePerSecond: 50,
  rateBurst: 200,
  maxEntriesPerRead: 1000,
};

type ErrorBody = { error: { code: string; message: string; [extra: string]: unknown } };

/** A token bucket per client address; idle buckets are forgotten. */
class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {}

  take(client: string, now: number): number | undefined {
    const bucket = this.buckets.get(client) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    this.buckets.set(client, bucket);
    if (this.buckets.size > 100_000) this.sweep(now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.ceil(((1 - bucket.tokens) / this.perSecond) * 1000);
  }

  private sweep(now: number): void {
    for (const [client, bucket] of this.buckets)
      if (now - bucket.at > (this.burst / this.perSecond) * 1000) this.buckets.delete(client);
  }
}

function sendError(reply: FastifyReply, status: number, body: ErrorBody): FastifyReply {
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body));
}

function refusalBody(refusal: Refusal): ErrorBody {
  return {
    error: {
      code: refusal.code,
      message: refusal.message,
      ...(refusal.currentSize === undefined ? {} : { size: refusal.currentSize }),
      ...(refusal.details ?? {}),
    },
  };
}

function nonNegativeInt(text: unknown): number | undefined {
  if (typeof text !== 'string' || !/^(0|[1-9][0-9]{0,15})$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

export function buildValidatorServer(
  service: ValidatorService,
  logger: EventLogger,
  limits: HttpLimits = DEFAULT_HTTP_LIMITS,
  boardPageDir: string | undefined = defaultBoardPageDir(),
): FastifyInstance {
  const app = Fastify({
    bodyLimit: limits.bodyLimit,
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.connectionTimeoutMs,
    keepAliveTimeout: 5_000,
    logger: false,
    return503OnClosing: true,
    // Errors fastify raises before routing (a bad URL encoding, a bad content type) get the same JSON form.
    frameworkErrors: (error, request, reply) => {
      logger.log('validator.http-refused', {
        status: 400,
        code: 'malformed-request',
        message: error.message,
        client: request.ip,
        outcome: 'failure',
      });
      reply.raw.sendDate = false;
      reply.header('date', service.timeWindow.nowHttpDate());
      void sendError(reply, 400, { error: { code: 'malformed-request', message: error.message } });
    },
  });
  const rate = new RateLimiter(limits.ratePerSecond, limits.rateBurst);
  const refuse = (
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    code: string,
    message: string,
    extra: Record<string, unknown> = {},
  ) => {
    logger.log('validator.http-refused', {
      status,
      code,
      message,
      method: request.method,
      url: request.url.slice(0, 200),
      client: request.ip,
      outcome: 'failure',
    });
    return sendError(reply, status, { error: { code, message, ...extra } });
  };

  // Node would stamp every response with the second it was sent, timing each batch a
  // station pushes; the Date header carries the start of the time window instead.
  app.addHook('onRequest', async (_request, reply) => {
    reply.raw.sendDate = false;
    reply.header('date', service.timeWindow.nowHttpDate());
  });

  // Any body that is not JSON reaches the handlers as text; each route checks what it got.
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.addHook('onRequest', async (request, reply) => {
    const waitMs = rate.take(request.ip, Date.now());
    if (waitMs !== undefined) {
      reply.header('retry-after', String(Math.ceil(waitMs / 1000)));
      await refuse(request, reply, 429, 'rate-limited', `too many requests from ${request.ip}; retry in ${waitMs} ms`);
    }
  });

  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status === 413)
      return refuse(request, reply, 413, 'body-too-large', `request body exceeds ${limits.bodyLimit} bytes`);
    if (status === 415) return refuse(request, reply, 415, 'unsupported-media-type', error.message);
    if (status >= 400 && status < 500) return refuse(request, reply, status, 'malformed-request', error.message);
    logger.log('validator.internal-error', {
      message: error.message,
      code: error.code,
      url: request.url.slice(0, 200),
    });
    return sendError(reply, 500, {
      error: { code: 'internal-error', message: 'the validator failed to process the request; nothing was recorded' },
    });
  });

  app.setNotFoundHandler((request, reply) =>
    refuse(
      request,
      reply,
      404,
      'no-such-endpoint',
      `${request.method} ${request.url.slice(0, 200)} is not part of the validator API`,
    ),
  );

  const fromRefusal = (request: FastifyRequest, reply: FastifyReply, refusal: Refusal) =>
    sendError(reply, refusal.status, refusalBody(refusal));

  // ---- write API

  app.post(ADD_CHECKPOINT_PATH, async (request, reply) => {
    if (typeof request.body !== 'string')
      return refuse(request, reply, 400, 'malformed-request', 'add-checkpoint takes a text body (C2SP tlog-witness)');
    const result = await service.addCheckpoint(request.body);
    if (result.ok) return reply.code(200).header('content-type', 'text/plain; charset=utf-8').send(result.value);
    if (result.error.status === 409 && result.error.currentSize !== undefined) {
      return reply.code(409).header('content-type', TLOG_SIZE_CONTENT_TYPE).send(`${result.error.currentSize}\n`);
    }
    return fromRefusal(request, reply, result.error);
  });

  app.post(ENTRIES_PATH, async (request, reply) => {
    if (typeof request.body !== 'object' || request.body === null) {
      return refuse(
        request,
        reply,
        400,
        'malformed-request',
        'POST /urna/v1/entries takes a JSON object (Content-Type: application/json)',
      );
    }
    const result = await service.submitEntries(request.body);
    if (result.ok) return reply.code(200).send(result.value);
    return fromRefusal(request, reply, result.error);
  });

  // ---- public bulletin board

  // The bulletin board reads only committed state (store-api.ts read side); it may be a read replica.
  const board = service.store.read;
  registerBoardPage(
    app,
    boardPageDir,
    service.election.definition.validators.members.map((m) => new URL(m.url).origin),
  );

  app.get('/urna/v1/health', async () => ({
    status: 'ok',
    validator: service.name,
    electionId: service.election.electionId,
    logs: (await board.logs()).length,
    evidence: await board.evidenceCount(),
    store: await board.describe(),
  }));

  app.get('/urna/v1/logs', async () => {
    const [logs, frozen] = await Promise.all([board.logs(), board.frozenStations()]);
    return {
      electionId: service.election.electionId,
      logs: logs.map((h) => ({
        origin: h.origin,
        stationId: h.stationId,
        log: h.log,
        size: h.size,
        rootHash: toBase64(h.root),
        polls: h.state.polls,
        frozenByEvidence: frozen.get(h.stationId) ?? null,
      })),
    };
  });

  type LogParams = { station: string; log: string };
  const logOf = async (request: FastifyRequest<{ Params: LogParams }>, reply: FastifyReply) => {
    const { station, log } = request.params;
    if (!ID_PATTERN.test(station) || (log !== 'ballots' && log !== 'pollbook')) {
      void refuse(request, reply, 404, 'unknown-log', 'the path must name a station id and ballots or pollbook');
      return undefined;
    }
    const origin = stationOrigin(service.election.electionId, station as StationId, log);
    const head = await board.head(origin);
    if (head === undefined) {
      void refuse(request, reply, 404, 'unknown-log', `this validator has cosigned nothing for ${origin}`);
      return undefined;
    }
    return head;
  };

  app.get<{ Params: LogParams }>('/urna/v1/logs/:station/:log/checkpoint', async (request, reply) => {
    const head = await logOf(request, reply);
    if (head === undefined) return reply;
    return reply.header('content-type', 'text/plain; charset=utf-8').send(head.cosigned);
  });

  app.get<{ Params: LogParams; Querystring: { start?: string; end?: string } }>(
    '/urna/v1/logs/:station/:log/entries',
    async (request, reply) => {
      const head = await logOf(request, reply);
      if (head === undefined) return reply;
      if (head.log === 'pollbook') {
        return refuse(
          request,
          reply,
          403,
          'pollbook-private',
          'poll-book entries stay with validators and officials; only the poll-book checkpoint is public',
        );
      }
      const start = nonNegativeInt(request.query.start ?? '0');
      const end = nonNegativeInt(request.query.end ?? String(head.size));
      if (start === undefined || end === undefined || start > end || end > head.size) {
        return refuse(request, reply, 400, 'bad-range', `start and end must satisfy 0 <= start <= end <= ${head.size}`);
      }
      const to = Math.min(end, start + limits.maxEntriesPerRead);
      return {
        origin: head.origin,
        size: head.size,
        start,
        end: to,
        entries: await board.entryTexts(head.origin, start, to),
      };
    },
  );

  app.get<{ Params: LogParams; Querystring: { index?: string; size?: string } }>(
    '/urna/v1/logs/:station/:log/inclusion',
    async (request, reply) => {
      const head = await logOf(request, reply);
      if (head === undefined) return reply;
      const index = nonNegativeInt(request.query.index);
      const size = nonNegativeInt(request.query.size ?? String(head.size));
      if (index === undefined || size === undefined || size > head.size || index >= size) {
        return refuse(
          request,
          reply,
          400,
          'bad-range',
          `index and size must satisfy 0 <= index < size <= ${head.size}`,
        );
      }
      return {
        origin: head.origin,
        index,
        size,
        proof: (await board.inclusionProof(head.origin, index, size)).map((h) => toBase64(h)),
      };
    },
  );

  app.get<{ Params: LogParams; Querystring: { old?: string; new?: string } }>(
    '/urna/v1/logs/:station/:log/consistency',
    async (request, reply) => {
      const head = await logOf(request, reply);
      if (head === undefined) return reply;
      const oldSize = nonNegativeInt(request.query.old);
      const newSize = nonNegativeInt(request.query.new ?? String(head.size));
      if (oldSize === undefined || newSize === undefined || oldSize > newSize || newSize > head.size) {
        return refuse(request, reply, 400, 'bad-range', `old and new must satisfy 0 <= old <= new <= ${head.size}`);
      }
      return {
        origin: head.origin,
        old: oldSize,
        new: newSize,
        proof: (await board.consistencyProof(head.origin, oldSize, newSize)).map((h) => toBase64(h)),
      };
    },
  );

  /** The most candidates a short code may have before the board asks for the whole code. */
  const SHORT_CODE_CANDIDATES = 16;

  app.get<{ Params: { code: string } }>('/urna/v1/confirmation/:code', async (request, reply) => {
    // A browser opening the receipt's QR code is sent to the page, which checks the code itself.
    if (wantsPage(request)) return reply.redirect(`/board/?code=${encodeURIComponent(request.params.code)}`, 303);
    const parsed = parseLookupCode(request.params.code);
    if (!parsed.ok) return refuse(request, reply, 400, 'bad-confirmation-code', parsed.error);
    let found: ConfirmationLookup | undefined;
    if (parsed.value.kind === 'full') {
      found = await board.lookupConfirmationCode(parsed.value.code);
    } else {
      const { short } = parsed.value;
      const candidates = await board.confirmationCodesWithPrefix(fullCodePrefix(short), SHORT_CODE_CANDIDATES);
      const matches = candidates.filter((c) => matchesShortCode(c.code, short));
      if (matches.length > 1) {
        return reply.code(300).send({
          error: {
            code: 'short-code-ambiguous',
            message: `${matches.length} ballots have the short code ${short}: type the whole code from the receipt's QR code`,
          },
          matches: matches.map((m) => ({ stationId: m.stationId, status: m.status })),
        });
      }
      found = matches[0];
    }
    if (found === undefined)
      return refuse(
        request,
        reply,
        404,
        'confirmation-code-not-found',
        'no ballot with this confirmation code has been recorded by this validator (yet)',
      );
    const origin = stationOrigin(service.election.electionId, found.stationId as StationId, 'ballots');
    const [head, entry] = await Promise.all([board.head(origin), board.entryText(origin, found.index)]);
    if (head === undefined || entry === undefined)
      throw new Error(`invariant failed: ballot ${found.ballotId} has no stored entry`);
    const indexes = found.resolvedIndex === null ? [found.index] : [found.index, found.resolvedIndex];
    const proofs = new Map(
      await Promise.all(indexes.map(async (i) => [i, await board.inclusionProof(origin, i, head.size)] as const)),
    );
    const resolution = found.resolvedIndex === null ? null : await board.entryText(origin, found.resolvedIndex);
    if (resolution === undefined)
      throw new Error(`invariant failed: ballot ${found.ballotId} has no stored resolution`);
    if (head.cosigned === undefined)
      throw new Error(`invariant failed: ${origin} has a ballot but no cosigned checkpoint`);
    return confirmationAnswer(
      found,
      { entry, resolution },
      {
        size: head.size,
        checkpoint: head.cosigned,
        proof: (i) => proofs.get(i) ?? [],
      },
    );
  });

  // What a checker needs to trust the answers above without trusting this validator:
  // the signed package (checked against the authority's key) and each station's signed enrollment.
  app.get('/urna/v1/election', () => service.election.packageJson);

  app.get<{ Params: { station: string } }>('/urna/v1/stations/:station/enrollment', async (request, reply) => {
    const enrolled = service.election.stations.get(request.params.station as StationId);
    if (enrolled === undefined)
      return refuse(request, reply, 404, 'unknown-station', 'no station with this id is enrolled in this election');
    return enrolled.enrollmentJson;
  });

  app.get('/urna/v1/totals', async () => ({
    electionId: service.election.electionId,
    note: 'homomorphic sums of cast ballots per station and contest; only the guardians can decrypt them, and only after the polls close',
    stations: await board.totals(),
  }));

  app.get<{ Querystring: { after?: string; limit?: string } }>('/urna/v1/evidence', async (request, reply) => {
    const after = nonNegativeInt(request.query.after ?? '0');
    const limit = nonNegativeInt(request.query.limit ?? '100');
    if (after === undefined || limit === undefined || limit < 1 || limit > 1000)
      return refuse(request, reply, 400, 'bad-range', 'after >= 0 and 1 <= limit <= 1000');
    return { evidence: await board.evidence(after, limit) };
  });

  app.get('/urna/v1/validator', () => ({
    name: service.name,
    electionId: service.election.electionId,
    baseHash: formatBaseHashForDisplay(service.election.baseHash),
    extendedBaseHash: toBase64Url(service.election.extendedBaseHash),
  }));

  return app;
}
