// Urna's own ESLint rules, loaded by eslint.config.js as the `urna` plugin and
// tested by test/unit/lint/lint-rules.test.ts.
//
// urna/no-floating-results: a call whose value is a Result (core/result.ts) is
//   used, not dropped. It reads the TypeScript type of the call, so it needs the
//   type information the config gives every .ts and .svelte file (projectService);
//   on a file without it (plain .js/.mjs) it checks nothing rather than guess from
//   names. A "Result" is any type whose every member has an `ok` property of a
//   literal boolean type and at least one member has `ok: false`: Result<T, E>
//   itself, Err<E>, and look-alikes with more fields. Dropping one on purpose is
//   written `void call();` with a comment saying why it is safe. Not seen: a
//   Result returned from a callback whose caller ignores it (forEach(f)).
//
// urna/no-fixed-sleep: a test waits for a named condition (test/support/wait-for.ts),
//   never for a fixed time: `new Promise((r) => setTimeout(r, n))` and an awaited
//   `sleep(n)`, `delay(n)` or timers/promises `setTimeout(n)` are reported. A test
//   that must let time pass to show that nothing happens says so in an
//   eslint-disable comment.
import ts from 'typescript';

/** @typedef {import('eslint').Rule.RuleModule} RuleModule */
/** @typedef {import('estree').Node} Node */

/**
 * @param {ts.Type} type
 * @param {ts.TypeChecker} checker
 * @returns {boolean}
 */
function isResultType(type, checker) {
  const members = (type.isUnion() ? type.types : [type]).filter(
    (t) => (t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void)) === 0,
  );
  if (members.length === 0) return false;
  let canFail = false;
  for (const member of members) {
    const okProperty = member.getProperty('ok');
    if (okProperty === undefined) return false;
    const okType = checker.getTypeOfSymbol(okProperty);
    if ((okType.flags & ts.TypeFlags.BooleanLiteral) === 0) return false;
    if (checker.typeToString(okType) === 'false') canFail = true;
  }
  return canFail;
}

/**
 * The Result a value carries, directly or once awaited.
 * @param {ts.Type} type
 * @param {ts.TypeChecker} checker
 */
function carriesResult(type, checker) {
  if (isResultType(type, checker)) return true;
  const awaited = checker.getAwaitedType(type);
  return awaited !== undefined && awaited !== type && isResultType(awaited, checker);
}

/** @param {Node} node */
function unwrapCall(node) {
  let inner = node;
  if (inner.type === 'AwaitExpression') inner = inner.argument;
  if (inner.type === 'ChainExpression') inner = inner.expression;
  return inner.type === 'CallExpression' ? inner : null;
}

/** @type {RuleModule} */
const noFloatingResults = {
  meta: {
    type: 'problem',
    docs: {
      description: 'A call that returns a Result must have its result used (or voided with a comment saying why)',
    },
    messages: {
      floating:
        'This call returns a Result that is ignored: handle its error (or write `void` with a comment saying why ignoring it is safe).',
      voidedSilently: 'A Result is voided without a comment saying why ignoring its error is safe.',
    },
    schema: [],
  },
  create(context) {
    const services = context.sourceCode.parserServices;
    if (!services || !services.program || !services.esTreeNodeToTSNodeMap) return {};
    const checker = services.program.getTypeChecker();
    /** @param {Node} node */
    const typeOf = (node) => checker.getTypeAtLocation(services.esTreeNodeToTSNodeMap.get(node));
    return {
      ExpressionStatement(statement) {
        const expression = statement.expression;
        if (expression.type === 'UnaryExpression' && expression.operator === 'void') {
          const call = unwrapCall(expression.argument);
          if (!call || !carriesResult(typeOf(call), checker)) return;
          const line = statement.loc?.start.line ?? 0;
          const endLine = statement.loc?.end.line ?? 0;
          const explained =
            context.sourceCode.getCommentsBefore(statement).some((c) => (c.loc?.end.line ?? 0) >= line - 1) ||
            context.sourceCode.getCommentsAfter(statement).some((c) => c.loc?.start.line === endLine) ||
            context.sourceCode.getCommentsInside(statement).length > 0;
          if (!explained) context.report({ node: statement, messageId: 'voidedSilently' });
          return;
        }
        const call = unwrapCall(expression);
        if (!call) return;
        // A bare promise of a Result is no-floating-promises' report; here the awaited (or synchronous) value.
        if (isResultType(typeOf(expression), checker)) context.report({ node: statement, messageId: 'floating' });
      },
    };
  },
};

const SLEEP_NAMES = new Set(['sleep', 'delay', 'setTimeout', 'waitForTimeout']);

/**
 * The one expression a function's body is (`() => x` or `() => { x; }`), or null.
 * @param {import('estree').ArrowFunctionExpression | import('estree').FunctionExpression} fn
 */
function soleExpression(fn) {
  const body = fn.body;
  if (body.type !== 'BlockStatement') return body;
  const [only] = body.body;
  return body.body.length === 1 && only?.type === 'ExpressionStatement' ? only.expression : null;
}

/** Whether `node` is the resolve function itself or a function that only calls it. @param {Node} node @param {string} resolveName */
function callsResolve(node, resolveName) {
  if (node.type === 'Identifier') return node.name === resolveName;
  if (node.type !== 'ArrowFunctionExpression' && node.type !== 'FunctionExpression') return false;
  const body = soleExpression(node);
  return body?.type === 'CallExpression' && body.callee.type === 'Identifier' && body.callee.name === resolveName;
}

/** @type {RuleModule} */
const noFixedSleep = {
  meta: {
    type: 'problem',
    docs: { description: 'Tests wait for a named condition (test/support/wait-for.ts), not for a fixed time' },
    messages: {
      sleep:
        'A fixed sleep: wait for the condition you expect with waitFor (test/support/wait-for.ts), which names it on timeout.',
    },
    schema: [],
  },
  create(context) {
    return {
      NewExpression(node) {
        if (node.callee.type !== 'Identifier' || node.callee.name !== 'Promise') return;
        const executor = node.arguments[0];
        if (!executor || (executor.type !== 'ArrowFunctionExpression' && executor.type !== 'FunctionExpression'))
          return;
        const resolve = executor.params[0];
        if (!resolve || resolve.type !== 'Identifier') return;
        const body = soleExpression(executor);
        if (body?.type !== 'CallExpression' || body.callee.type !== 'Identifier' || body.callee.name !== 'setTimeout')
          return;
        const [callback] = body.arguments;
        if (callback && callsResolve(callback, resolve.name)) context.report({ node, messageId: 'sleep' });
      },
      AwaitExpression(node) {
        const call = node.argument;
        if (call.type !== 'CallExpression') return;
        const callee = call.callee;
        const name =
          callee.type === 'Identifier'
            ? callee.name
            : callee.type === 'MemberExpression' && callee.property.type === 'Identifier'
              ? callee.property.name
              : '';
        const scheduled =
          callee.type === 'MemberExpression' &&
          callee.object.type === 'Identifier' &&
          callee.object.name === 'scheduler' &&
          name === 'wait';
        if (SLEEP_NAMES.has(name) || scheduled) context.report({ node, messageId: 'sleep' });
      },
    };
  },
};

export default {
  meta: { name: 'urna' },
  rules: { 'no-floating-results': noFloatingResults, 'no-fixed-sleep': noFixedSleep },
};
