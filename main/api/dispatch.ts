/**
 * The one entry point for calls from the renderer. Electron IPC and the
 * Playwright test bridge both end here, so argument validation, error shaping
 * and logging are identical in production and in tests.
 */
import {
  isStationApiMethod,
  stationApi,
  type ApiError,
  type ApiResult,
  type MethodArgs,
  type MethodOutput,
  type StationApiMethod,
} from '../../core/api/station-api';
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

function rejected(logger: EventLogger, method: string, context: CallContext, error: ApiError): ApiResult<never> {
  logger.log('api.call-rejected', { method: method.slice(0, 64), origin: context.origin, code: error.code, message: error.message });
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
    return rejected(logger, name, context, { code: 'unknown-method', message: `the station API has no method "${name.slice(0, 64)}"` });
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
  const parsed = stationApi[method].input.safeParse(rawArgs);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      path: issue.path.length > 0 ? issue.path.map(String).join('.') : '(arguments)',
      message: issue.message,
    }));
    const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    return rejected(logger, method, context, { code: 'invalid-argument', message: `${method}: ${summary}`, issues });
  }
  const handler = handlers[method] as (args: unknown, context: CallContext) => ReturnType<StationApiHandlers[M]>;
  try {
    return await handler(parsed.data, context);
  } catch (error) {
    // A handler that throws has met a state it believed impossible: log the
    // detail for staff, give the renderer no internals.
    logger.log('api.handler-failed', { method, origin: context.origin, error: error instanceof Error ? error.message : String(error) });
    return err({ code: 'internal', message: `${method} failed inside the station; see the station log` });
  }
}
