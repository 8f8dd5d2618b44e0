/**
 * The one entry point for calls from the renderer. Electron IPC and the
 * Playwright test bridge both end here, so argument validation, error shaping
 * and logging are identical in production and in tests.
 */
import {
  isStationApiMethod,
  stationApiSpec,
  type ApiError,
  type ApiResult,
  type MethodArgs,
  type MethodOutput,
  type StationApiMethod,
} from '../../core/api/station-api';
import { refusalSchema } from '../../core/api/refusals';
import type { EventLogger } from '../../core/logging';
import { err } from '../../core/result';

/** Who is calling: only ever a description for the log, never trusted input. */
export type CallContext = { readonly origin: string };

export type StationApiHandlers = {
  readonly [M in StationApiMethod]: (
    args: MethodArgs<M>,
    context: CallContext,
  ) => ApiResult<MethodOutput<M>> | Promise<ApiResult<MethodOutput<M>>>;
};

type StationApiSpecInput = (typeof stationApiSpec)[StationApiMethod]['input'];

const MAX_ISSUES = 10;
const MAX_ISSUE_TEXT = 160;

function clip(text: string): string {
  return text.length > MAX_ISSUE_TEXT ? `${text.slice(0, MAX_ISSUE_TEXT)}…` : text;
}

function rejected(logger: EventLogger, method: string, context: CallContext, error: ApiError): ApiResult<never> {
  logger.log('api.call-rejected', {
    method: method.slice(0, 64),
    origin: context.origin,
    code: error.code,
    message: error.message,
  });
  return err(error);
}

export async function dispatchStationCall(
  handlers: StationApiHandlers,
  logger: EventLogger,
  method: unknown,
  rawArgs: unknown,
  context: CallContext,
): Promise<ApiResult<unknown>> {
  if (!isStationApiMethod(method)) {
    const name = typeof method === 'string' ? method : typeof method;
    return rejected(logger, name, context, {
      code: 'unknown-method',
      message: `the station API has no method "${name.slice(0, 64)}"`,
    });
  }
  return callMethod(handlers, logger, method, rawArgs, context);
}

async function callMethod<M extends StationApiMethod>(
  handlers: StationApiHandlers,
  logger: EventLogger,
  method: M,
  rawArgs: unknown,
  context: CallContext,
): Promise<ApiResult<unknown>> {
  let parsed: ReturnType<StationApiSpecInput['safeParse']>;
  try {
    parsed = stationApiSpec[method].input.safeParse(rawArgs);
  } catch {
    // zod's .readonly() throws on some structured-clone values (a typed array
    // with elements cannot be frozen): still a malformed argument, not a crash.
    return rejected(logger, method, context, {
      code: 'invalid-argument',
      message: `${method}: (arguments): values of this kind are not accepted`,
      issues: [{ path: '(arguments)', message: 'values of this kind are not accepted' }],
    });
  }
  if (!parsed.success) {
    // Paths and zod's messages can quote the caller's keys: bound them, so a
    // hostile call cannot make a megabyte log line or error.
    const issues = parsed.error.issues.slice(0, MAX_ISSUES).map((issue) => ({
      path: clip(issue.path.length > 0 ? issue.path.map(String).join('.') : '(arguments)'),
      message: clip(issue.message),
    }));
    const more = parsed.error.issues.length - issues.length;
    const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ') + (more > 0 ? `; and ${more} more` : '');
    return rejected(logger, method, context, { code: 'invalid-argument', message: `${method}: ${summary}`, issues });
  }
  const handler = handlers[method] as (args: unknown, context: CallContext) => ReturnType<StationApiHandlers[M]>;
  try {
    const result = await handler(parsed.data, context);
    // A refusal crosses IPC only as a kind the screens have a message for (core/api/refusals.ts).
    if (!result.ok && result.error.refusal !== undefined && !refusalSchema.safeParse(result.error.refusal).success) {
      logger.log('api.refusal-malformed', { method, origin: context.origin, code: result.error.code });
      return err({ code: 'internal', message: `${method} failed inside the station; see the station log` });
    }
    return result;
  } catch (error) {
    // A handler that throws has met a state it believed impossible: log the
    // detail for staff, give the renderer no internals.
    logger.log('api.handler-failed', {
      method,
      origin: context.origin,
      error: error instanceof Error ? error.message : String(error),
    });
    return err({ code: 'internal', message: `${method} failed inside the station; see the station log` });
  }
}
